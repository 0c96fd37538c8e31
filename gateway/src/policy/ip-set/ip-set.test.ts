import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@sekisho/platform';
import { parseIpSetEntries, validateIpSet } from './ip-set.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.problems.map((p) => `${p.field}: ${p.message}`);
  }
  assert.fail('expected a ValidationError');
}

test('accepts addresses, CIDR blocks and ranges of both families, in canonical text', () => {
  const { entries } = parseIpSetEntries([
    '192.0.2.1',
    ' 198.51.100.0/24 ',
    '203.0.113.10 - 203.0.113.20',
    '2001:DB8::1',
    '2001:db8:1::/48',
    '2001:db8::a-2001:db8::f',
    '::ffff:10.0.0.0/104',
    '::ffff:192.0.2.9',
    '',
  ]);
  assert.deepEqual(
    entries.map((e) => [e.kind, e.family, e.text]),
    [
      ['address', 4, '192.0.2.1'],
      ['cidr', 4, '198.51.100.0/24'],
      ['range', 4, '203.0.113.10-203.0.113.20'],
      ['address', 6, '2001:db8::1'],
      ['cidr', 6, '2001:db8:1::/48'],
      ['range', 6, '2001:db8::a-2001:db8::f'],
      ['cidr', 4, '10.0.0.0/8'],
      ['address', 4, '192.0.2.9'],
    ],
  );
});

test('names every bad entry with its index and text, at once', () => {
  assert.deepEqual(
    problemsOf(() =>
      parseIpSetEntries([
        '10.0.0.1',
        'office',
        '10.0.0.0/8',
        '10.0.0.300',
        '10.0.0.0/33',
        '2001:db8::/129',
        '10.0.0.9-10.0.0.1',
        '10.0.0.1-2001:db8::1',
        '10.0.0.1/8',
        '2001:db8::1/32',
        '10.0.0.0/08',
        'fe80::1%eth0',
      ]),
    ),
    [
      "entries[1]: 'office' is not an IPv4 or IPv6 address, CIDR or range",
      "entries[3]: '10.0.0.300' is not an IPv4 or IPv6 address, CIDR or range",
      "entries[4]: '10.0.0.0/33' has a prefix length over 32, the most for IPv4",
      "entries[5]: '2001:db8::/129' has a prefix length over 128, the most for IPv6",
      "entries[6]: '10.0.0.9-10.0.0.1' is a range whose start is after its end",
      "entries[7]: '10.0.0.1-2001:db8::1' mixes IPv4 and IPv6 in one range",
      "entries[8]: '10.0.0.1/8' has host bits set; the block is 10.0.0.0/8",
      "entries[9]: '2001:db8::1/32' has host bits set; the block is 2001:db8::/32",
      "entries[10]: '10.0.0.0/08' is not an IPv4 or IPv6 address, CIDR or range",
      "entries[11]: 'fe80::1%eth0' is not an IPv4 or IPv6 address, CIDR or range",
    ],
  );
});

test('the error message carries the problems for logs and API answers', () => {
  assert.throws(
    () => parseIpSetEntries(['10.0.0.0/8', '10.0.0.300']),
    (err: unknown) =>
      err instanceof ValidationError &&
      err.code === 'ERR_VALIDATION' &&
      err.message === "entries[1]: '10.0.0.300' is not an IPv4 or IPv6 address, CIDR or range",
  );
});

test('a very long entry is quoted shortened', () => {
  const [problem] = problemsOf(() => parseIpSetEntries(['x'.repeat(500)]));
  assert.equal(
    problem,
    `entries[0]: '${'x'.repeat(57)}...' is not an IPv4 or IPv6 address, CIDR or range`,
  );
});

test('validateIpSet checks identifier, name and entries together', () => {
  assert.deepEqual(
    problemsOf(() => validateIpSet({ identifier: 'of', name: ' ', entries: ['1.2.3.4', 'x'] })),
    [
      'identifier: must be 3 to 255 characters of letters, digits, underscore, dot or hyphen',
      'name: must be 1 to 200 characters without control characters',
      "entries[1]: 'x' is not an IPv4 or IPv6 address, CIDR or range",
    ],
  );
  for (const identifier of ['has space', 'ユーザー', 'a/b', 'x'.repeat(256), 'ab']) {
    assert.equal(
      problemsOf(() => validateIpSet({ identifier, name: 'N', entries: [] }))[0]?.split(':')[0],
      'identifier',
      identifier,
    );
  }
  for (const name of ['', 'x'.repeat(201), 'tab\there']) {
    assert.equal(
      problemsOf(() => validateIpSet({ identifier: 'abc', name, entries: [] }))[0]?.split(':')[0],
      'name',
    );
  }
});

test('a valid set comes back frozen with its name trimmed and an empty set allowed', () => {
  const set = validateIpSet({
    identifier: 'office-tokyo_1.v6',
    name: ' 東京オフィス ',
    entries: ['2001:db8::/32'],
  });
  assert.equal(set.name, '東京オフィス');
  assert.equal(set.entries[0]?.text, '2001:db8::/32');
  assert.ok(Object.isFrozen(set) && Object.isFrozen(set.entries));
  assert.equal(
    validateIpSet({ identifier: 'x'.repeat(255), name: 'x'.repeat(200), entries: [] }).entries
      .length,
    0,
  );
});
