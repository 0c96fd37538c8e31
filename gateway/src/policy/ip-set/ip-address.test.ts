import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import {
  canonicalIp,
  parseIpAddress,
  parseIpAddressRaw,
  parseIpv4,
  parseIpv6,
} from './ip-address.ts';

test('parses dotted-quad IPv4 strictly', () => {
  assert.equal(parseIpv4('0.0.0.0'), 0);
  assert.equal(parseIpv4('255.255.255.255'), 0xffff_ffff);
  assert.equal(parseIpv4('192.0.2.1'), 0xc000_0201);
  for (const bad of [
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.-4',
    '0x1.2.3.4',
    ' 1.2.3.4',
    '1..3.4',
    '',
  ]) {
    assert.equal(parseIpv4(bad), undefined, bad);
  }
});

test('parses IPv6 with compression and an IPv4 tail, refuses zones and stray colons', () => {
  assert.equal(parseIpv6('::'), 0n);
  assert.equal(parseIpv6('::1'), 1n);
  assert.equal(parseIpv6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), (1n << 128n) - 1n);
  assert.equal(parseIpv6('2001:DB8::'), 0x2001_0db8n << 96n);
  assert.equal(parseIpv6('1:2:3:4:5:6:7::'), 0x0001_0002_0003_0004_0005_0006_0007_0000n);
  assert.equal(parseIpv6('::ffff:192.0.2.1'), 0xffff_c000_0201n);
  for (const bad of [
    '1::2::3',
    ':1',
    '1:',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    'fe80::1%eth0',
    '12345::',
    '::1.2.3',
    '1.2.3.4::',
    'g::',
  ]) {
    assert.equal(parseIpv6(bad), undefined, bad);
  }
});

test('normalizes IPv4-mapped IPv6 to IPv4 and prints RFC 5952 text', () => {
  assert.deepEqual(parseIpAddress('::ffff:127.0.0.1'), { family: 4, value: 0x7f00_0001 });
  assert.deepEqual(parseIpAddress('::ffff:7f00:1'), { family: 4, value: 0x7f00_0001 });
  assert.deepEqual(parseIpAddressRaw('::ffff:127.0.0.1'), { family: 6, value: 0xffff_7f00_0001n });
  assert.equal(canonicalIp('::FFFF:10.1.2.3'), '10.1.2.3');
  assert.equal(canonicalIp('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(canonicalIp('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  assert.equal(canonicalIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  assert.equal(canonicalIp('::'), '::');
  assert.equal(canonicalIp('1::'), '1::');
  assert.equal(canonicalIp('::1.2.3.4'), '::102:304');
  assert.equal(canonicalIp('nope'), undefined);
});

/** Strings built from address-like pieces, so a good share of them are valid. */
function candidates(count: number): string[] {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const separators = [':', ':', '::', '.', '.'];
  const out: string[] = [];
  for (let c = 0; c < count; c++) {
    const pieces: string[] = [];
    const n = 1 + Math.floor(rand() * 9);
    for (let i = 0; i < n; i++) {
      const kind = rand();
      const hex = Math.floor(rand() * 0x1ffff).toString(16);
      pieces.push(
        kind < 0.5
          ? hex.slice(0, 1 + Math.floor(rand() * 5))
          : kind < 0.8
            ? String(Math.floor(rand() * 300))
            : '',
      );
      if (i < n - 1) pieces.push(separators[Math.floor(rand() * separators.length)] ?? ':');
    }
    out.push(pieces.join(''));
  }
  return out;
}

test('agrees with node:net isIP on 5000 seeded address-like strings', () => {
  let valid = 0;
  for (const s of candidates(5000)) {
    const family = isIP(s);
    if (family) valid++;
    assert.equal(parseIpAddressRaw(s)?.family ?? 0, family, `'${s}'`);
  }
  assert.ok(valid > 100, `enough valid addresses among the candidates (${valid})`);
});
