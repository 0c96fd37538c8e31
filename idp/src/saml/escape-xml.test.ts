import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMParser } from '@xmldom/xmldom';
import { XmlCharacterError, escapeXml } from './escape-xml.ts';

test('escapes markup and quotes so a value round-trips through an attribute and element content', () => {
  const value = `a&b<c>"d"'e'\tline\nnext\r`;
  const escaped = escapeXml(value);
  assert.equal(escaped, 'a&amp;b&lt;c&gt;&quot;d&quot;&apos;e&apos;&#9;line&#10;next&#13;');
  const doc = new DOMParser().parseFromString(`<r a="${escaped}">${escaped}</r>`, 'text/xml');
  assert.equal(doc.documentElement!.getAttribute('a'), value);
  assert.equal(doc.documentElement!.textContent, value);
});

test('keeps non-ASCII text and refuses characters XML 1.0 cannot carry', () => {
  assert.equal(escapeXml('山田 花子 😀'), '山田 花子 😀');
  for (const bad of ['\u0000', '\u001b', '\uFFFE', '\uD800'])
    assert.throws(() => escapeXml(`x${bad}`), XmlCharacterError);
});
