import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOCALE, isLocale, LOCALES, negotiateLocale, type Locale } from './locale.ts';

void test('the locales are Japanese and English, Japanese by default', () => {
  assert.deepEqual(LOCALES, ['ja', 'en']);
  assert.equal(DEFAULT_LOCALE, 'ja');
  assert.equal(isLocale('en'), true);
  assert.equal(isLocale('en-US'), false);
  assert.equal(isLocale(undefined), false);
});

const cases: [header: string | undefined, expected: Locale, why: string][] = [
  ['ja', 'ja', 'a bare language'],
  ['en', 'en', 'a bare language'],
  ['ja-JP', 'ja', 'a region matches its language'],
  ['en-US', 'en', 'a region matches its language'],
  ['EN-gb', 'en', 'ranges are case-insensitive'],
  ['en-US,en;q=0.9,ja;q=0.8', 'en', 'the first of equal or higher quality'],
  ['ja;q=0.5, en;q=0.8', 'en', 'higher q wins over header order'],
  ['ja;q=0.8, en;q=0.8', 'ja', 'equal q keeps header order'],
  ['fr-FR, de;q=0.9, en;q=0.5, ja;q=0.4', 'en', 'unsupported languages are skipped'],
  ['zh-Hant-TW,zh;q=0.9,en-US;q=0.8', 'en', 'a script subtag does not confuse parsing'],
  [' ja-JP ; q=0.9 ,en ; q=0.1', 'ja', 'optional whitespace around entries and q'],
  ['en;q=0', 'ja', 'q=0 refuses English, the fallback remains'],
  ['ja;q=0', 'en', 'q=0 refuses Japanese; English is still acceptable'],
  ['ja;q=0, en;q=0.001', 'en', 'the smallest positive q is acceptable'],
  ['*', 'ja', 'a wildcard means the fallback'],
  ['ja;q=0.1, *;q=0.5', 'en', 'a wildcard matches only what the header does not name'],
  ['en;q=0.2, *', 'ja', 'a wildcard beats a lower-quality named language'],
  ['en;q=2, ja;q=0.1', 'ja', 'an out-of-range q makes the entry invalid'],
  ['en;q=abc, ja;q=0.1', 'ja', 'a non-numeric q makes the entry invalid'],
  ['en;q=0.1234', 'ja', 'more than three decimals is invalid'],
  ['<script>, en', 'en', 'a malformed range is skipped'],
  ['fr', 'ja', 'nothing supported gives the fallback'],
  ['', 'ja', 'an empty header gives the fallback'],
  [undefined, 'ja', 'no header gives the fallback'],
  [`${'fr,'.repeat(40)}en`, 'ja', 'entries after the 32nd are not read'],
];

for (const [header, expected, why] of cases) {
  void test(`Accept-Language ${JSON.stringify(header)} -> ${expected}: ${why}`, () => {
    assert.equal(negotiateLocale(header), expected);
  });
}

void test("the user's saved setting wins over the header", () => {
  assert.equal(negotiateLocale('en-US,en;q=0.9', 'ja'), 'ja');
  assert.equal(negotiateLocale('ja-JP', 'en'), 'en');
  assert.equal(negotiateLocale(undefined, 'en', 'ja'), 'en');
});

void test('no saved setting (null or undefined) falls through to the header', () => {
  assert.equal(negotiateLocale('en-US', null), 'en');
  assert.equal(negotiateLocale('en-US', undefined), 'en');
});

void test('a setting that is not a locale (bad stored data) is ignored', () => {
  assert.equal(negotiateLocale('en', 'fr' as Locale), 'en');
});

void test('the fallback is used when the header does not decide', () => {
  assert.equal(negotiateLocale(undefined, null, 'en'), 'en');
  assert.equal(negotiateLocale('fr, *;q=0.1', null, 'en'), 'en');
  assert.equal(negotiateLocale('en;q=0', null, 'en'), 'ja', 'but never a refused one');
  assert.equal(
    negotiateLocale('de', null, 'xx' as Locale),
    'ja',
    'a bad fallback means the default',
  );
});
