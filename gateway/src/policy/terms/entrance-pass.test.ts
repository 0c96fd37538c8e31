import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, traced } from './condition-input.test-helper.ts';

const DAY = 86_400_000;
const at = new Date('2026-06-15T03:00:00Z');
const issued = (msAgo: number) => ({
  at,
  entrancePass: { issuedAt: new Date(at.getTime() - msAgo) },
});

describe('pass', () => {
  test('is true when the browser holds an entrance pass, false otherwise', () => {
    assert.equal(check('pass', issued(400 * DAY)), true);
    assert.equal(check('pass', { at }), false);
  });

  test('age counts whole 24-hour days since issuance', () => {
    assert.equal(check('pass age <= 30', issued(30 * DAY)), true);
    assert.equal(check('pass age <= 30', issued(31 * DAY - 1)), true); // 30 days 23:59:59.999
    assert.equal(check('pass age <= 30', issued(31 * DAY)), false);
  });

  test('age <= 0 means issued less than 24 hours ago', () => {
    assert.equal(check('pass age <= 0', issued(0)), true);
    assert.equal(check('pass age <= 0', issued(DAY - 1)), true);
    assert.equal(check('pass age <= 0', issued(DAY)), false);
  });

  test('a pass issued after the evaluation time is not trusted, and the trace says why', () => {
    assert.equal(check('pass', issued(-1)), false);
    assert.deepEqual(traced('pass age <= 30', issued(-DAY)), [
      { term: 'pass age <= 30', result: false, reason: 'pass-issued-in-future' },
    ]);
  });

  test('a pass with an invalid issuance date is not trusted', () => {
    assert.equal(check('pass', { entrancePass: { issuedAt: new Date(NaN) } }), false);
  });
});
