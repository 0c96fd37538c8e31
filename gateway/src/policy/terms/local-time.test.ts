import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { localTime } from './local-time.ts';

describe('localTime', () => {
  test('gives the local date, minutes since midnight and weekday of an instant', () => {
    assert.deepEqual(localTime(new Date('2026-03-31T15:00:00Z'), 'Asia/Tokyo'), {
      date: '2026-04-01',
      minutes: 0,
      weekday: 3,
    });
    assert.deepEqual(localTime(new Date('2026-03-31T14:59:59.999Z'), 'Asia/Tokyo'), {
      date: '2026-03-31',
      minutes: 23 * 60 + 59,
      weekday: 2,
    });
  });

  test('keeps zones apart when the same minute is asked in several', () => {
    const instant = new Date('2026-06-15T15:30:00Z');
    assert.equal(localTime(instant, 'Asia/Tokyo').date, '2026-06-16');
    assert.equal(localTime(instant, 'UTC').date, '2026-06-15');
    assert.equal(localTime(instant, 'America/Los_Angeles').minutes, 8 * 60 + 30);
    assert.equal(localTime(instant, 'Asia/Tokyo').minutes, 30);
  });

  test('moves on when the minute changes', () => {
    assert.equal(localTime(new Date('2026-06-15T00:00:59Z'), 'UTC').minutes, 0);
    assert.equal(localTime(new Date('2026-06-15T00:01:00Z'), 'UTC').minutes, 1);
  });

  test('throws RangeError for an unknown zone', () => {
    assert.throws(() => localTime(new Date(), 'Nowhere/Special'), RangeError);
  });
});
