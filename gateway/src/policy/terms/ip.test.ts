import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, traced } from './condition-input.test-helper.ts';
import { isIpLiteralError, parseIpLiteral } from './ip-literal.ts';

describe('ip term', () => {
  test('matches a single address, a CIDR block and an inclusive range (IPv4)', () => {
    assert.equal(check('ip 192.0.2.10', { ip: '192.0.2.10' }), true);
    assert.equal(check('ip 192.0.2.10', { ip: '192.0.2.11' }), false);
    assert.equal(check('ip 192.0.2.0/24', { ip: '192.0.2.255' }), true);
    assert.equal(check('ip 192.0.2.0/24', { ip: '192.0.3.0' }), false);
    assert.equal(check('ip 10.0.0.1-10.0.0.50', { ip: '10.0.0.1' }), true);
    assert.equal(check('ip 10.0.0.1-10.0.0.50', { ip: '10.0.0.50' }), true);
    assert.equal(check('ip 10.0.0.1-10.0.0.50', { ip: '10.0.0.51' }), false);
    assert.equal(check('ip 10.0.0.1-10.0.0.50', { ip: '10.0.0.0' }), false);
  });

  test('matches IPv6 addresses, blocks and ranges', () => {
    assert.equal(check('ip 2001:db8::/32', { ip: '2001:db8:ffff::1' }), true);
    assert.equal(check('ip 2001:db8::/32', { ip: '2001:db9::1' }), false);
    assert.equal(check('ip ::1', { ip: '0:0:0:0:0:0:0:1' }), true);
    assert.equal(check('ip 2001:db8::1-2001:db8::ff', { ip: '2001:db8::80' }), true);
    assert.equal(check('ip 2001:db8::1-2001:db8::ff', { ip: '2001:db8::100' }), false);
  });

  test('an IPv4 rule matches the same client seen as IPv4-mapped IPv6, and vice versa', () => {
    assert.equal(check('ip 192.0.2.0/24', { ip: '::ffff:192.0.2.7' }), true);
    assert.equal(check('ip ::ffff:192.0.2.0/120', { ip: '192.0.2.7' }), true);
    assert.equal(check('ip 192.0.2.0/24', { ip: '::ffff:198.51.100.7' }), false);
  });

  test('IPv4 rules do not match IPv6 clients and IPv6 rules do not match IPv4 clients', () => {
    assert.equal(check('ip 0.0.0.0/0', { ip: '2001:db8::1' }), false);
    assert.equal(check('ip 2000::/3', { ip: '192.0.2.1' }), false);
  });

  test('a list matches when any entry does, overlapping entries included', () => {
    const list = 'ip [10.0.0.0/8, 10.1.0.0/16, 10.1.2.3, 2001:db8::/32]';
    for (const ip of ['10.9.9.9', '10.1.2.3', '10.1.200.1', '2001:db8::5']) {
      assert.equal(check(list, { ip }), true, ip);
    }
    assert.equal(check(list, { ip: '11.0.0.1' }), false);
  });

  test('fails closed on a client IP that is not an address, and says so in the trace', () => {
    assert.equal(check('ip 0.0.0.0/0', { ip: 'unknown' }), false);
    assert.deepEqual(traced('ip 0.0.0.0/0', { ip: 'fe80::1%eth0' }), [
      { term: 'ip 0.0.0.0/0', result: false, reason: 'ip-invalid' },
    ]);
  });

  test('evaluates trees built outside the parser too (compiled on first use)', async () => {
    const { evaluate } = await import('../condition/evaluate.ts');
    const { conditionInput } = await import('./condition-input.test-helper.ts');
    assert.equal(evaluate({ kind: 'ip', ranges: ['192.0.2.0/24'] }, conditionInput()), true);
  });
});

describe('parseIpLiteral', () => {
  test('canonicalizes each literal', () => {
    const cases: [string, string][] = [
      ['192.0.2.1', '192.0.2.1'],
      ['0.0.0.0/0', '0.0.0.0/0'],
      ['2001:DB8::/32', '2001:db8::/32'],
      ['::/0', '::/0'],
      ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
      ['::ffff:0:0/96', '0.0.0.0/0'],
      ['::ffff:10.0.0.1-::ffff:10.0.0.9', '10.0.0.1-10.0.0.9'],
      ['10.0.0.1-10.0.0.1', '10.0.0.1-10.0.0.1'],
    ];
    for (const [text, canonical] of cases) {
      const literal = parseIpLiteral(text);
      assert.ok(!isIpLiteralError(literal), text);
      assert.equal(literal.canonical, canonical, text);
    }
  });

  test('gives the first and last address of blocks and ranges', () => {
    const bounds = (text: string) => {
      const literal = parseIpLiteral(text);
      return isIpLiteralError(literal) ? undefined : [literal.family, literal.first, literal.last];
    };
    assert.deepEqual(bounds('192.0.2.0/24'), [4, 0xc0000200n, 0xc00002ffn]);
    assert.deepEqual(bounds('0.0.0.0/0'), [4, 0n, 0xffffffffn]);
    assert.deepEqual(bounds('2001:db8::/32'), [
      6,
      0x20010db8n << 96n,
      ((0x20010db8n + 1n) << 96n) - 1n,
    ]);
    assert.deepEqual(bounds('10.0.0.1-10.0.0.50'), [4, 0x0a000001n, 0x0a000032n]);
    assert.deepEqual(bounds('::1'), [6, 1n, 1n]);
  });

  test('an IPv4-mapped block wider than /96 is an IPv6 block with host bits set', () => {
    assert.deepEqual(parseIpLiteral('::ffff:0:0/95'), {
      offset: 0,
      expected: 'a network address without host bits (::fffe:0:0/95)',
      found: '::ffff:0:0/95',
    });
  });
});
