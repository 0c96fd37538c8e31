import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check } from './condition-input.test-helper.ts';

/** The instant at which the local time in `zone` is `local` (ISO without offset). */
function at(local: string, zone: 'Asia/Tokyo' | 'UTC') {
  const utc = new Date(`${local}Z`);
  return {
    at: new Date(utc.getTime() - (zone === 'Asia/Tokyo' ? 9 * 3_600_000 : 0)),
    timeZone: zone,
  };
}

describe('time', () => {
  test('from is included and to is excluded', () => {
    assert.equal(check('time 09:00-18:00', at('2026-06-15T09:00:00', 'Asia/Tokyo')), true);
    assert.equal(check('time 09:00-18:00', at('2026-06-15T08:59:59', 'Asia/Tokyo')), false);
    assert.equal(check('time 09:00-18:00', at('2026-06-15T17:59:59', 'Asia/Tokyo')), true);
    assert.equal(check('time 09:00-18:00', at('2026-06-15T18:00:00', 'Asia/Tokyo')), false);
  });

  test('is evaluated in the tenant time zone: the same instant is in hours in Tokyo, not in UTC', () => {
    const instant = new Date('2026-06-15T00:30:00Z'); // 09:30 in Tokyo
    assert.equal(check('time 09:00-18:00', { at: instant, timeZone: 'Asia/Tokyo' }), true);
    assert.equal(check('time 09:00-18:00', { at: instant, timeZone: 'UTC' }), false);
  });

  test('23:59 and 00:00 Tokyo fall either side of the midnight boundary', () => {
    const late = at('2026-06-15T23:59:00', 'Asia/Tokyo'); // 14:59 UTC
    const midnight = at('2026-06-16T00:00:00', 'Asia/Tokyo'); // 15:00 UTC
    assert.equal(check('time 23:00-24:00', late), true);
    assert.equal(check('time 23:00-24:00', midnight), false);
    assert.equal(check('time 00:00-01:00', midnight), true);
    assert.equal(check('time 00:00-01:00', late), false);
    assert.equal(check('time 14:00-15:00', { ...late, timeZone: 'UTC' }), true);
    assert.equal(check('time 14:00-15:00', { ...midnight, timeZone: 'UTC' }), false);
  });

  test('a window whose start is after its end spans midnight: 22:00-06:00', () => {
    const cases: [string, boolean][] = [
      ['21:59', false],
      ['22:00', true],
      ['23:59', true],
      ['00:00', true],
      ['05:59', true],
      ['06:00', false],
      ['12:00', false],
    ];
    for (const [local, inside] of cases) {
      assert.equal(
        check('time 22:00-06:00', at(`2026-06-15T${local}:00`, 'Asia/Tokyo')),
        inside,
        local,
      );
    }
  });

  test('00:00-24:00 is the whole day', () => {
    for (const local of ['00:00', '12:00', '23:59']) {
      assert.equal(check('time 00:00-24:00', at(`2026-06-15T${local}:00`, 'UTC')), true, local);
    }
  });

  test('follows daylight saving time where the zone has it', () => {
    // New York: 13:30 UTC is 09:30 EDT in June and 08:30 EST in January.
    const zone = 'America/New_York';
    assert.equal(
      check('time 09:00-17:00', { at: new Date('2026-06-15T13:30:00Z'), timeZone: zone }),
      true,
    );
    assert.equal(
      check('time 09:00-17:00', { at: new Date('2026-01-15T13:30:00Z'), timeZone: zone }),
      false,
    );
  });
});
