import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alice, check, traced } from './condition-input.test-helper.ts';

describe('group', () => {
  test('is true when the user is a member of the group with exactly that name', () => {
    assert.equal(check('group "Sales"', { subject: alice }), true);
    assert.equal(check('group "営業"', { subject: alice }), true);
    assert.equal(check('group "sales"', { subject: alice }), false);
    assert.equal(check('group "Engineering"', { subject: alice }), false);
  });

  test('is false for a user in no group', () => {
    assert.equal(check('group "Sales"', { subject: { ...alice, groups: [] } }), false);
  });

  test('is unknown before the user is identified', () => {
    assert.deepEqual(traced('group "Sales"'), [
      { term: 'group "Sales"', result: 'unknown', reason: 'subject-unknown' },
    ]);
  });
});
