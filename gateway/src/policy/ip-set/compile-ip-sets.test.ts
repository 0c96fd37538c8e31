import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '@sekisho/platform';
import { compileIpRanges, compileIpSets, ipSetsContaining } from './compile-ip-sets.ts';
import { validateIpSet } from './ip-set.ts';

const office = validateIpSet({
  identifier: 'office',
  name: 'Office',
  entries: ['203.0.113.0/24', '2001:db8:1::/48'],
});
const vpn = validateIpSet({
  identifier: 'vpn',
  name: 'VPN',
  entries: ['203.0.113.128/25', '198.51.100.7'],
});

test('compiles each set by identifier, answering per set', () => {
  const sets = compileIpSets([office, vpn]);
  assert.deepEqual([...sets.keys()], ['office', 'vpn']);
  assert.equal(sets.get('office')?.name, 'Office');
  assert.ok(sets.get('office')?.contains('2001:db8:1:2::3'));
  assert.ok(!sets.get('vpn')?.contains('2001:db8:1:2::3'));
  assert.ok(sets.get('vpn')?.contains('198.51.100.7'));
  assert.ok(Object.isFrozen(sets.get('vpn')));
});

test("lists the sets an address falls in, in the sets' order", () => {
  const sets = compileIpSets([office, vpn]);
  assert.deepEqual(ipSetsContaining(sets, '203.0.113.200'), ['office', 'vpn']);
  assert.deepEqual(ipSetsContaining(sets, '::ffff:203.0.113.1'), ['office']);
  assert.deepEqual(ipSetsContaining(sets, '192.0.2.1'), []);
  assert.deepEqual(ipSetsContaining(sets, 'not-an-ip'), []);
});

test('refuses two sets with one identifier, naming both', () => {
  assert.throws(
    () => compileIpSets([office, vpn, { ...vpn, name: 'Other' }]),
    (err: unknown) =>
      err instanceof ValidationError &&
      err.problems[0]?.field === 'sets[2].identifier' &&
      err.problems[0].message === "'vpn' is already the identifier of sets[1]",
  );
});

test('literal ranges of a condition compile by the same rules', () => {
  const m = compileIpRanges(['10.0.0.0/8', '2001:db8::1']);
  assert.ok(m.contains('10.9.9.9') && m.contains('2001:db8::1') && !m.contains('2001:db8::2'));
  assert.throws(
    () => compileIpRanges(['10.0.0.0/8', '10.0.0.256']),
    /entries\[1\]: '10\.0\.0\.256'/,
  );
});
