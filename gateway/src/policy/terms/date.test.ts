import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from './condition-input.test-helper.ts';

const tokyo = (iso: string) => ({ at: new Date(iso), timeZone: 'Asia/Tokyo' });

describe('date', () => {
  const quarter = 'date 2026-04-01..2026-06-30';

  test('includes both ends, in the tenant time zone', () => {
    assert.equal(check(quarter, tokyo('2026-03-31T14:59:59Z')), false); // 03-31 23:59:59 JST
    assert.equal(check(quarter, tokyo('2026-03-31T15:00:00Z')), true); // 04-01 00:00 JST
    assert.equal(check(quarter, tokyo('2026-06-30T14:59:59Z')), true); // 06-30 23:59:59 JST
    assert.equal(check(quarter, tokyo('2026-06-30T15:00:00Z')), false); // 07-01 00:00 JST
  });

  test('the same instant can be inside in Tokyo and outside in UTC', () => {
    const instant = new Date('2026-03-31T20:00:00Z');
    assert.equal(check(quarter, { at: instant, timeZone: 'Asia/Tokyo' }), true);
    assert.equal(check(quarter, { at: instant, timeZone: 'UTC' }), false);
  });

  test('a single date is that whole local day', () => {
    assert.equal(check('date 2028-02-29', tokyo('2028-02-28T15:00:00Z')), true);
    assert.equal(check('date 2028-02-29', tokyo('2028-02-29T14:59:59Z')), true);
    assert.equal(check('date 2028-02-29', tokyo('2028-02-29T15:00:00Z')), false);
  });

  test('compares across years', () => {
    assert.equal(check('date 2026-12-25..2027-01-05', tokyo('2026-12-31T15:00:00Z')), true);
    assert.equal(check('date 2026-12-25..2027-01-05', tokyo('2027-01-05T15:00:00Z')), false);
  });
});
