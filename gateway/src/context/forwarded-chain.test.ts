import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpAddress } from '../policy/ip-set/index.ts';
import { forwardedChain, parseForwardedNode } from './forwarded-chain.ts';

const texts = (value: string, header: 'x-forwarded-for' | 'forwarded') =>
  forwardedChain(value, header).map((a) => (a ? formatIpAddress(a) : undefined));

test('a node is an address with an optional port; IPv6 may be bracketed', () => {
  const ok = {
    '192.0.2.1': '192.0.2.1',
    '192.0.2.1:8080': '192.0.2.1',
    '[2001:db8::1]': '2001:db8::1',
    '[2001:DB8::1]:4711': '2001:db8::1',
    '2001:db8::1': '2001:db8::1',
    '::ffff:192.0.2.1': '192.0.2.1',
  };
  for (const [node, ip] of Object.entries(ok)) {
    const a = parseForwardedNode(node);
    assert.equal(a && formatIpAddress(a), ip, node);
  }
  for (const bad of [
    'unknown',
    '_hidden',
    '[192.0.2.1]',
    '[2001:db8::1',
    '[::1]x',
    '[::1]:',
    '192.0.2.1:99999',
    '192.0.2.1:_p',
    'host:80',
    '',
    '1.2.3.4 5',
  ]) {
    assert.equal(parseForwardedNode(bad), undefined, bad);
  }
});

test('X-Forwarded-For is read right to left', () => {
  assert.deepEqual(texts('203.0.113.9, 10.0.0.1,10.0.0.2', 'x-forwarded-for'), [
    '10.0.0.2',
    '10.0.0.1',
    '203.0.113.9',
  ]);
  assert.deepEqual(texts('junk, 198.51.100.4', 'x-forwarded-for'), ['198.51.100.4', undefined]);
  assert.deepEqual(texts('198.51.100.4,', 'x-forwarded-for'), [undefined, '198.51.100.4']);
});

test('Forwarded: only for= is read, quoted IPv6 with port, parameters in any case and order', () => {
  assert.deepEqual(
    texts(
      'for=192.0.2.43, For="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.1, proto=http;for="198.51.100.17:80"',
      'forwarded',
    ),
    ['198.51.100.17', '2001:db8:cafe::17', '192.0.2.43'],
  );
});

test('Forwarded: unusable elements are marked, a broken prefix does not hide the right part', () => {
  assert.deepEqual(
    texts('for=unknown, for=_gazonk, proto=https, for=192.0.2.1;for=192.0.2.2', 'forwarded'),
    [undefined, undefined, undefined, undefined],
  );
  assert.deepEqual(texts('for="\\"evil, for=10.0.0.1', 'forwarded'), ['10.0.0.1', undefined]);
  assert.deepEqual(texts('for="unterminated, for=198.51.100.2', 'forwarded'), [
    '198.51.100.2',
    undefined,
  ]);
  assert.deepEqual(texts('for="a,b";by=x, for=198.51.100.3', 'forwarded'), [
    '198.51.100.3',
    undefined,
  ]);
  assert.deepEqual(texts('garbage, for=198.51.100.4', 'forwarded'), ['198.51.100.4', undefined]);
});
