import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCondition } from '../condition/parse.ts';
import { printCondition } from '../condition/print.ts';
import { check } from './condition-input.test-helper.ts';

describe('weekday', () => {
  test('mon-fri is true Monday to Friday in the tenant time zone', () => {
    // 2026-06-15 is a Monday.
    const days = ['14', '15', '16', '17', '18', '19', '20'].map((d) =>
      check('weekday mon-fri', { at: new Date(`2026-06-${d}T03:00:00Z`), timeZone: 'Asia/Tokyo' }),
    );
    assert.deepEqual(days, [false, true, true, true, true, true, false]);
  });

  test('Saturday 23:00 UTC is already Sunday in Tokyo', () => {
    const instant = new Date('2026-06-20T23:00:00Z');
    assert.equal(check('weekday sun', { at: instant, timeZone: 'Asia/Tokyo' }), true);
    assert.equal(check('weekday sun', { at: instant, timeZone: 'UTC' }), false);
    assert.equal(check('weekday sat', { at: instant, timeZone: 'UTC' }), true);
  });

  test('Friday 23:59 and Saturday 00:00 in Tokyo fall either side of weekday mon-fri', () => {
    const friday = new Date('2026-06-19T14:59:00Z');
    const saturday = new Date('2026-06-19T15:00:00Z');
    assert.equal(check('weekday mon-fri', { at: friday, timeZone: 'Asia/Tokyo' }), true);
    assert.equal(check('weekday mon-fri', { at: saturday, timeZone: 'Asia/Tokyo' }), false);
    assert.equal(check('weekday sat,sun', { at: saturday, timeZone: 'Asia/Tokyo' }), true);
  });

  test('ranges wrap around the week and lists merge', () => {
    assert.deepEqual(parseCondition('weekday fri-mon'), { kind: 'weekday', days: [0, 1, 5, 6] });
    assert.deepEqual(parseCondition('weekday sun-sat'), {
      kind: 'weekday',
      days: [0, 1, 2, 3, 4, 5, 6],
    });
    assert.deepEqual(parseCondition('weekday mon, mon-tue'), { kind: 'weekday', days: [1, 2] });
  });

  test('prints Monday first, runs of three or more as ranges', () => {
    const printed = (text: string) => printCondition(parseCondition(text));
    assert.equal(printed('weekday fri-mon'), 'weekday mon,fri-sun');
    assert.equal(printed('weekday sun,mon,tue,wed,thu,fri,sat'), 'weekday mon-sun');
    assert.equal(printed('weekday sat,sun'), 'weekday sat,sun');
    assert.equal(printed('weekday mon,wed,thu,fri'), 'weekday mon,wed-fri');
  });
});
