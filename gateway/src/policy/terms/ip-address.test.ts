import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeClientIp } from './client-ip.ts';
import { formatIpAddress, parseIpAddress } from './ip-address.ts';

const canonical = (text: string) => {
  const address = parseIpAddress(text);
  return address && formatIpAddress(address);
};

describe('parseIpAddress / formatIpAddress', () => {
  test('prints IPv6 as RFC 5952 §4 text', () => {
    const cases: [string, string][] = [
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], // §4.1, §4.2.1, §4.3
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // §4.2.3: first of equal runs
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // §4.2.2: one group is not shortened
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // §4.2.3: the longest run
      ['::', '::'],
      ['::1', '::1'],
      ['fe80::', 'fe80::'],
      ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ];
    for (const [text, printed] of cases) assert.equal(canonical(text), printed, text);
  });

  test('reads IPv4-mapped IPv6 as the IPv4 address, in any spelling', () => {
    for (const text of ['::ffff:192.0.2.1', '::FFFF:c000:201', '0:0:0:0:0:ffff:192.0.2.1']) {
      assert.deepEqual(parseIpAddress(text), { family: 4, value: 0xc0000201n }, text);
    }
  });

  test('refuses what is not one plain address', () => {
    const invalid = [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '01.2.3.4',
      '1.2.3.-4',
      '1..2.3',
      ':::',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1::2::3',
      ':1::',
      '1:',
      'g::1',
      '12345::',
      '::1.2.3',
      '1.2.3.4::',
      'fe80::1%eth0',
      '::ffff:1.2.3.4/32',
    ];
    for (const text of invalid) assert.equal(parseIpAddress(text), undefined, text);
  });
});

describe('normalizeClientIp', () => {
  test('keeps IPv4 and IPv6, and turns IPv4-mapped IPv6 into IPv4', () => {
    const v4 = { family: 4, value: 0xc0000201n, address: '192.0.2.1' };
    assert.deepEqual(normalizeClientIp('192.0.2.1'), v4);
    assert.deepEqual(normalizeClientIp('::ffff:192.0.2.1'), v4);
    assert.deepEqual(normalizeClientIp('2001:DB8::1'), {
      family: 6,
      value: 0x20010db8000000000000000000000001n,
      address: '2001:db8::1',
    });
  });

  test('refuses zone indexes and anything that is not an address', () => {
    for (const text of ['fe80::1%eth0', 'localhost', '', '010.0.0.1']) {
      assert.equal(normalizeClientIp(text), undefined, text);
    }
  });
});
