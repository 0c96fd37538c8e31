import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defineCatalog, formatMessage, platformMessages } from './catalog.ts';

const messages = defineCatalog({
  en: { greet: 'Hello, {name}', count: '{n} of {total} left', plain: 'Back' },
  ja: { greet: 'こんにちは、{name} さん', count: '残り {n} / {total}', plain: '戻る' },
});

void test('t returns the text of the locale with placeholders filled', () => {
  assert.equal(messages.t('en', 'greet', { name: 'Hanako' }), 'Hello, Hanako');
  assert.equal(messages.t('ja', 'greet', { name: '花子' }), 'こんにちは、花子 さん');
  assert.equal(messages.t('ja', 'count', { n: 3, total: 10 }), '残り 3 / 10');
  assert.equal(messages.t('ja', 'plain'), '戻る');
});

void test('a missing param stays visible as {name}', () => {
  assert.equal(messages.t('en', 'greet'), 'Hello, {name}');
  assert.equal(messages.t('en', 'count', { n: 0 }), '0 of {total} left');
  assert.equal(formatMessage('{constructor} {toString}', {}), '{constructor} {toString}');
});

void test('param values are inserted once, never re-expanded', () => {
  assert.equal(messages.t('en', 'greet', { name: '{name} <b>' }), 'Hello, {name} <b>');
  assert.equal(messages.t('en', 'count', { n: '{total}', total: 5 }), '{total} of 5 left');
});

void test('has narrows untyped keys, ignoring inherited properties', () => {
  assert.equal(messages.has('greet'), true);
  assert.equal(messages.has('missing'), false);
  assert.equal(messages.has('toString'), false);
  assert.deepEqual(messages.keys, ['greet', 'count', 'plain']);
});

void test('an unknown locale or key at runtime degrades to English or the key', () => {
  assert.equal(messages.t('fr' as 'en', 'plain'), 'Back');
  assert.equal(messages.t('en', 'nope' as 'plain'), 'nope');
});

void test('the catalog is a frozen copy of its input', () => {
  const en = { title: 'Title' };
  const catalog = defineCatalog({ en, ja: { title: '題名' } });
  en.title = 'Changed';
  assert.equal(catalog.t('en', 'title'), 'Title');
  assert.equal(Object.isFrozen(catalog), true);
});

void test('a Japanese catalog without exactly the English keys does not compile', () => {
  // @ts-expect-error -- 'b' is missing from ja
  assert.throws(() => defineCatalog({ en: { a: 'A', b: 'B' }, ja: { a: 'あ' } }), TypeError);
  // @ts-expect-error -- 'c' is not an en key
  assert.throws(() => defineCatalog({ en: { a: 'A' }, ja: { a: 'あ', c: 'し' } }), TypeError);
});

void test('a broken catalog is refused at definition, naming every problem', () => {
  const bad = { a: 'あ', b: ' ', c: '{x} だけ', extra: 'x' } as unknown as Record<
    'a' | 'b' | 'c' | 'd',
    string
  >;
  assert.throws(
    () => defineCatalog({ en: { a: 'A', b: 'B', c: '{x} and {y}', d: 'D' }, ja: bad }),
    (err: Error) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /ja: unexpected key 'extra'/);
      assert.match(err.message, /ja: missing text for 'b'/);
      assert.match(err.message, /ja: 'c' must use the placeholders of the en text/);
      assert.match(err.message, /ja: missing text for 'd'/);
      assert.doesNotMatch(err.message, /'a'/);
      return true;
    },
  );
});

const errorCodes = [
  ...readFileSync(new URL('../errors.ts', import.meta.url), 'utf8')
    .split('const STATUS')[0]!
    .matchAll(/'(ERR_[A-Z_]+)'/g),
].map((m) => m[1] ?? '');

void test('the platform catalog has Japanese and English texts for every error code', () => {
  assert.ok(errorCodes.length >= 20, `found ${errorCodes.length} codes in errors.ts`);
  for (const code of errorCodes) {
    assert.ok(platformMessages.has(code), `${code} has no text`);
    const ja = platformMessages.t('ja', code);
    const en = platformMessages.t('en', code);
    assert.match(ja, /[\u3040-\u30ff\u4e00-\u9fff]/, `${code}: ja text is Japanese`);
    assert.match(ja, /(です|ます|ません|ください)。$/, `${code}: ja text is polite and complete`);
    assert.match(en, /^[A-Z][\x20-\x7e]+\.$/, `${code}: en text is an English sentence`);
  }
});

void test('platform error texts use the params their throwers pass', () => {
  assert.equal(
    platformMessages.t('ja', 'ERR_LOGIN_LOCKED', { minutes: 15 }),
    'ログインの失敗が続いたため、このアカウントは一時的にロックされています。約 15 分後にもう一度お試しください。',
  );
  assert.match(platformMessages.t('en', 'ERR_LOGIN_THROTTLED', { seconds: 30 }), /wait 30 seconds/);
  assert.match(platformMessages.t('ja', 'ERR_TENANT_USER_LIMIT', { max: 50 }), /（50 件）/);
  assert.match(
    platformMessages.t('en', 'ERR_PASSWORD_WEAK', { rule: 'too-short', minLength: 12 }),
    /at least 12 characters/,
  );
});

void test('the platform catalog has the common page words', () => {
  assert.equal(
    platformMessages.t('en', 'page.error.reference', { reference: 'R-1' }),
    'Reference: R-1',
  );
  assert.equal(
    platformMessages.t('ja', 'page.error.reference', { reference: 'R-1' }),
    '参照番号: R-1',
  );
  assert.equal(platformMessages.t('ja', 'page.back'), '戻る');
  assert.equal(platformMessages.t('en', 'page.language'), 'Language');
  assert.equal(platformMessages.t('ja', 'page.error.title'), 'エラーが発生しました');
});
