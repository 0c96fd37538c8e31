import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAttributeName } from './attribute.ts';
import { alice, check, traced } from './condition-input.test-helper.ts';

describe('attr', () => {
  test('= compares the attribute exactly, case-sensitively', () => {
    assert.equal(check('attr department = "sales"', { subject: alice }), true);
    assert.equal(check('attr department = "Sales"', { subject: alice }), false);
    assert.equal(check('attr department = "hr"', { subject: alice }), false);
  });

  test('!= is its negation', () => {
    assert.equal(check('attr department != "sales"', { subject: alice }), false);
    assert.equal(check('attr department != "hr"', { subject: alice }), true);
  });

  test('a missing attribute equals no value, not even the empty one', () => {
    assert.equal(check('attr office = ""', { subject: alice }), false);
    assert.equal(check('attr office != "tokyo"', { subject: alice }), true);
  });

  test('does not see inherited properties such as constructor', () => {
    assert.equal(check('attr constructor != "x"', { subject: alice }), true);
    assert.equal(
      check('attr toString = "function toString() { [native code] }"', { subject: alice }),
      false,
    );
  });

  test('is unknown before the user is identified, whichever the operator', () => {
    assert.deepEqual(traced('attr employment != "contractor"'), [
      { term: 'attr employment != "contractor"', result: 'unknown', reason: 'subject-unknown' },
    ]);
  });

  test('names are a letter then up to 63 of A-Z a-z 0-9 _ . -', () => {
    for (const n of ['a', 'department', 'employment.type', 'x-1_y', `a${'b'.repeat(63)}`]) {
      assert.ok(isAttributeName(n), n);
    }
    for (const n of ['', '1a', '_a', '__proto__', `a${'b'.repeat(64)}`, 'a:b', '部署']) {
      assert.ok(!isAttributeName(n), n);
    }
  });
});
