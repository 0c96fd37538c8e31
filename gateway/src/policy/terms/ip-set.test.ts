import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, traced } from './condition-input.test-helper.ts';
import { isIpSetId } from './ip-set.ts';

/** A stand-in for a compiled IP set: records what it was asked. */
function recordingSet(members: readonly string[]) {
  const asked: string[] = [];
  return { asked, contains: (ip: string) => (asked.push(ip), members.includes(ip)) };
}

describe('ip in <set>', () => {
  test('asks the tenant IP set with that identifier', () => {
    const office = recordingSet(['192.0.2.10']);
    const ipSets = new Map([['office', office]]);
    assert.equal(check('ip in office', { ipSets }), true);
    assert.equal(check('ip in office', { ipSets, ip: '192.0.2.11' }), false);
    assert.deepEqual(office.asked, ['192.0.2.10', '192.0.2.11']);
  });

  test('passes the client IP normalized: IPv4-mapped IPv6 as IPv4, IPv6 in RFC 5952 text', () => {
    const office = recordingSet([]);
    const ipSets = new Map([['office', office]]);
    check('ip in office', { ipSets, ip: '::ffff:192.0.2.10' });
    check('ip in office', { ipSets, ip: '2001:DB8:0::1' });
    assert.deepEqual(office.asked, ['192.0.2.10', '2001:db8::1']);
  });

  test('an unknown set is unknown, also under not (fail closed), and is named in the trace', () => {
    assert.equal(check('ip in deleted'), 'unknown');
    assert.equal(check('not ip in deleted'), 'unknown');
    assert.deepEqual(traced('ip in deleted'), [
      { term: 'ip in deleted', result: 'unknown', reason: 'ip-set-unknown' },
    ]);
  });

  test('identifiers are case-sensitive', () => {
    const ipSets = new Map([['office', recordingSet(['192.0.2.10'])]]);
    assert.equal(check('ip in Office', { ipSets }), 'unknown', 'Office is another (missing) set');
    assert.equal(check('ip in office', { ipSets }), true);
  });

  test('a client IP that is not an address is false without asking the set', () => {
    const office = recordingSet(['x']);
    assert.deepEqual(traced('ip in office', { ip: 'x', ipSets: new Map([['office', office]]) }), [
      { term: 'ip in office', result: false, reason: 'ip-invalid' },
    ]);
    assert.deepEqual(office.asked, []);
  });

  test('identifiers are 3-255 characters of A-Z a-z 0-9 _ . -', () => {
    for (const id of ['abc', 'Tokyo_HQ.v6-2', 'x'.repeat(255), '10.0.0.1'])
      assert.ok(isIpSetId(id), id);
    for (const id of ['ab', 'x'.repeat(256), 'off ice', 'off/ice', 'off:ice', 'オフィス']) {
      assert.ok(!isIpSetId(id), id);
    }
  });
});
