import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpAddress, parseIpAddress } from './ip-address.ts';
import { compileIntervals } from './ip-matcher.ts';
import { parseIpSetEntries } from './ip-set.ts';

const matcher = (...entries: string[]) => compileIntervals(parseIpSetEntries(entries).entries);

test('overlapping and adjacent ranges merge into one interval', () => {
  const m = matcher(
    '10.0.0.0-10.0.0.9',
    '10.0.0.10/31',
    '10.0.0.5-10.0.0.11',
    '10.0.0.13',
    '10.0.0.12',
  );
  assert.deepEqual(m.intervals, { v4: 1, v6: 0 });
  for (const ip of ['10.0.0.0', '10.0.0.9', '10.0.0.10', '10.0.0.13'])
    assert.ok(m.contains(ip), ip);
  assert.ok(!m.contains('10.0.0.14'));
  assert.deepEqual(matcher('10.0.0.0/24', '10.0.2.0/24').intervals, { v4: 2, v6: 0 });
  assert.deepEqual(matcher('10.0.0.0/8', '10.1.0.0/16', '10.255.255.255').intervals, {
    v4: 1,
    v6: 0,
  });
  assert.deepEqual(matcher('2001:db8::/33', '2001:db8:8000::/33').intervals, { v4: 0, v6: 1 });
});

test('boundaries of a block are inside, their neighbours outside', () => {
  const m = matcher('192.0.2.0/24', '2001:db8::/32');
  assert.ok(m.contains('192.0.2.0') && m.contains('192.0.2.255'));
  assert.ok(!m.contains('192.0.1.255') && !m.contains('192.0.3.0'));
  assert.ok(m.contains('2001:db8::') && m.contains('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'));
  assert.ok(!m.contains('2001:db7:ffff:ffff:ffff:ffff:ffff:ffff') && !m.contains('2001:db9::'));
});

test('IPv4 edges: 0.0.0.0/0, /32, the first and last address', () => {
  const all = matcher('0.0.0.0/0');
  assert.ok(all.contains('0.0.0.0') && all.contains('255.255.255.255'));
  assert.ok(!all.contains('::1'), '0.0.0.0/0 holds no IPv6 address');
  const ends = matcher('0.0.0.0', '255.255.255.255/32');
  assert.ok(
    ends.contains('0.0.0.0') && ends.contains('255.255.255.255') && !ends.contains('0.0.0.1'),
  );
  assert.ok(!ends.contains('255.255.255.254'));
});

test('IPv6 edges: ::, ffff:..., /0 and /128', () => {
  const top = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
  const all = matcher('::/0');
  assert.deepEqual(all.intervals, { v4: 0, v6: 1 });
  assert.ok(all.contains('::') && all.contains(top) && all.contains('2001:db8::1'));
  assert.ok(!all.contains('192.0.2.1'), '::/0 means every IPv6 client, not IPv4 ones');
  assert.ok(!all.contains('::ffff:192.0.2.1'), 'mapped addresses are looked up as IPv4');
  const ends = matcher('::/128', `${top}/128`);
  assert.ok(ends.contains('::') && ends.contains(top));
  assert.ok(!ends.contains('::1') && !ends.contains('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'));
  assert.ok(matcher(`::-${top}`).contains('abcd::1234'));
});

test('IPv4-mapped addresses and entries match like IPv4', () => {
  const m = matcher('::ffff:10.0.0.0/104', '192.0.2.7');
  assert.ok(m.contains('10.20.30.40') && m.contains('::ffff:10.20.30.40'));
  assert.ok(m.contains('::ffff:c000:207'));
  assert.ok(!m.contains('11.0.0.0'));
});

test('anything that is not an address is inside nothing', () => {
  const m = matcher('0.0.0.0/0', '::/0');
  for (const junk of [
    '',
    'unknown',
    '10.0.0.1:80',
    '[::1]',
    '10.0.0.0/8',
    ' 10.0.0.1',
    'fe80::1%1',
  ]) {
    assert.ok(!m.contains(junk), junk);
  }
});

/** Seeded PRNG (mulberry32), so a failure is reproducible. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

test('agrees with a linear scan over unmerged entries in 2000 seeded random cases', () => {
  const rand = random(20260901);
  const int = (n: number) => Math.floor(rand() * n);
  // Small universes (10.0.0.0/22, 2001:db8::/118) so that entries overlap and touch.
  const v4 = (x: number) => formatIpAddress({ family: 4, value: 0x0a00_0000 + x });
  const v6 = (x: number) =>
    formatIpAddress({ family: 6, value: (0x2001_0db8n << 96n) + BigInt(x) });
  const entry = (fmt: (x: number) => string, width: number): string => {
    const kind = int(3);
    if (kind === 0) return fmt(int(1024));
    if (kind === 1) {
      const a = int(1024);
      return `${fmt(a)}-${fmt(Math.min(1023, a + int(64)))}`;
    }
    const hostBits = int(8);
    return `${fmt(int(1024) & ~((1 << hostBits) - 1))}/${width - hostBits}`;
  };
  for (let c = 0; c < 2000; c++) {
    const texts = Array.from({ length: 1 + int(20) }, () =>
      int(2) ? entry(v4, 32) : entry(v6, 128),
    );
    const { entries } = parseIpSetEntries(texts);
    const m = compileIntervals(entries);
    for (let q = 0; q < 8; q++) {
      const ip = int(2) ? v4(int(1100) - 30) : v6(int(1100));
      const a = parseIpAddress(ip);
      const naive = entries.some(
        (e) => a?.family === e.family && e.first <= a.value && a.value <= e.last,
      );
      assert.equal(m.contains(ip), naive, `case ${c}: ${ip} in ${texts.join(', ')}`);
    }
  }
});
