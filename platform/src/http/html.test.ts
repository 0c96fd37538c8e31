import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { escapeHtml, html, PAGE_CSP, PAGE_STYLE, raw, renderPage, SafeHtml } from './html.ts';

const ATTACK = `<script>alert("x")</script>&'`;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';

void test('escapeHtml escapes the five significant characters and nothing else', () => {
  assert.equal(escapeHtml(ATTACK), ESCAPED);
  assert.equal(escapeHtml('関所 / plain text = ok'), '関所 / plain text = ok');
  assert.equal(escapeHtml('&amp;'), '&amp;amp;');
});

void test('interpolated text is escaped in element content', () => {
  assert.equal(html`<p>${ATTACK}</p>`.toString(), `<p>${ESCAPED}</p>`);
});

void test('interpolated values cannot break out of a quoted attribute', () => {
  // prettier-ignore
  assert.equal(
    html`<input value="${'" onfocus="x'}" title='${"' onclick='y"}'>`.toString(),
    `<input value="&quot; onfocus=&quot;x" title='&#39; onclick=&#39;y'>`,
  );
});

void test('nested SafeHtml is inserted as is, not escaped twice', () => {
  const inner = html`<b>${'a & b'}</b>`;
  const outer = html`<p>${inner} ${'<i>'}</p>`;
  assert.equal(outer.toString(), '<p><b>a &amp; b</b> &lt;i&gt;</p>');
  assert.equal(
    html`<div>${outer}</div>`.toString(),
    '<div><p><b>a &amp; b</b> &lt;i&gt;</p></div>',
  );
});

void test('arrays are joined, each item escaped unless it is SafeHtml', () => {
  const items = ['<a>', 'b&c'];
  // prettier-ignore
  assert.equal(
    html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`.toString(),
    '<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>',
  );
  // prettier-ignore
  assert.equal(
    html`${['<x>', raw('<br>'), [html`<hr>`, '"']]}`.toString(),
    '&lt;x&gt;<br><hr>&quot;',
  );
});

void test('null, undefined and false render as empty; numbers as text', () => {
  const shown = false;
  assert.equal(html`[${null}${undefined}${shown && html`<b>hidden</b>`}]`.toString(), '[]');
  assert.equal(html`${0} ${12n} ${true}`.toString(), '0 12 true');
});

void test('raw marks trusted markup; SafeHtml cannot be forged from outside', () => {
  assert.equal(html`${raw('<br>')}`.toString(), '<br>');
  assert.ok(html`x` instanceof SafeHtml);
  const Forge = SafeHtml as unknown as new (token: symbol, markup: string) => SafeHtml;
  assert.throws(() => new Forge(Symbol('SafeHtml'), '<script>'), TypeError);
  const lookalike = { toString: () => '<script>' } as unknown as string;
  assert.equal(html`${lookalike}`.toString(), '&lt;script&gt;');
});

const page = renderPage({
  locale: 'ja',
  title: 'ログイン <test>',
  body: html`<form method="post">
    <label for="id">ID</label><input id="id" name="id" /><button>送信</button>
  </form>`,
  csrfToken: 'tok"en<',
});

void test('renderPage produces a complete HTML5 document in the given language', () => {
  assert.match(page, /^<!doctype html>\n<html lang="ja">/);
  assert.match(page, /<meta charset="utf-8">/);
  assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(
    page,
    /<header><span lang="en">Sekisho<\/span> \/ <span lang="ja">関所<\/span><\/header>/,
  );
  assert.match(page, /<main>[\s\S]*<form method="post">[\s\S]*<\/main>/);
  assert.match(page, /<\/html>\n$/);
  assert.match(renderPage({ locale: 'en', title: 't', body: html`` }), /<html lang="en">/);
});

void test('renderPage escapes the title and the CSRF token', () => {
  assert.match(page, /<title>ログイン &lt;test&gt; - Sekisho<\/title>/);
  assert.match(page, /<h1>ログイン &lt;test&gt;<\/h1>/);
  assert.match(page, /<meta name="csrf-token" content="tok&quot;en&lt;">/);
  assert.doesNotMatch(renderPage({ locale: 'en', title: 't', body: html`` }), /csrf-token/);
});

void test('pages load nothing from elsewhere and run no script', () => {
  assert.doesNotMatch(page, /<script|<link|\ssrc=|\sstyle=|@import|url\(/i);
});

void test('the CSP allows exactly the inline stylesheet, by its hash', () => {
  const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? '');
  assert.equal(styles.length, 1);
  assert.equal(styles[0], PAGE_STYLE);
  const hash = createHash('sha256')
    .update(styles[0] ?? '', 'utf8')
    .digest('base64');
  const directives = PAGE_CSP.split('; ');
  assert.deepEqual(directives, [
    "default-src 'none'",
    `style-src 'sha256-${hash}'`,
    "img-src 'self' data:",
    "form-action 'self' https:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ]);
});

void test('the stylesheet styles the card, forms, errors and notices', () => {
  for (const selector of ['.card{', 'button,', '.error{', '.notice{', '@media (max-width']) {
    assert.ok(PAGE_STYLE.includes(selector), selector);
  }
});
