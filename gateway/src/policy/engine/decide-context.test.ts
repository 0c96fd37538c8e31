import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decideRow,
  table,
  tenantPolicy,
  MONDAY_NOON_TOKYO,
  type Row,
} from './decide.test-helper.ts';

const DAY_MS = 86_400_000;
const allowedIf = (allow: string, spec: Parameters<typeof tenantPolicy>[0] = {}) =>
  tenantPolicy({ ...spec, groups: [{ name: 'g', allow, skip: 'true' }], defaultGroup: 'g' });
const ALLOW = { kind: 'allow', reason: 'second-factor-skipped' } as const;
const DENY = { kind: 'deny', reason: 'condition-not-met' } as const;
/** Rows that differ only in the source IP, the instant or the pass, with an expected outcome. */
const rows = (policy: Row['policy'], cases: [string, Row['context'], boolean][]): Row[] =>
  cases.map(([name, context, allowed]) => ({
    name,
    policy,
    context,
    expect: allowed ? ALLOW : DENY,
  }));

describe('decide: IPv6 sources', () => {
  const policy = allowedIf('ip in office or ip [::1, 2001:db8:ff::7]', {
    ipSets: { office: ['203.0.113.0/24', '2001:db8:1::/48'] },
  });
  table(
    rows(policy, [
      ['an address inside an IPv6 range of a set is allowed', { ip: '2001:db8:1:ffff::1' }, true],
      [
        'the last address of the /48 is inside',
        { ip: '2001:db8:1:ffff:ffff:ffff:ffff:ffff' },
        true,
      ],
      ['the next /48 is outside', { ip: '2001:db8:2::' }, false],
      [
        'upper-case and uncompressed text is the same address',
        { ip: '2001:0DB8:0001:0:0:0:0:1' },
        true,
      ],
      ['IPv4-mapped IPv6 is judged as the IPv4 address', { ip: '::ffff:203.0.113.9' }, true],
      ['IPv6 loopback matches a literal ::1', { ip: '::1' }, true],
      ['IPv4 loopback does not match ::1', { ip: '127.0.0.1' }, false],
      ['a literal IPv6 address matches only itself', { ip: '2001:db8:ff::8' }, false],
      [
        'a client IP with a zone index is no address: nothing matches',
        { ip: 'fe80::1%eth0' },
        false,
      ],
    ]),
  );
});

describe('decide: overlapping ranges', () => {
  const ipSets = {
    wide: ['10.0.0.0/8', '2001:db8::/32'],
    narrow: ['10.1.2.0/24', '10.1.2.128/25', '10.1.2.200-10.1.3.10', '2001:db8:abcd::/48'],
  };
  const policy = allowedIf('ip in wide and not ip in narrow', { ipSets });
  table(
    rows(policy, [
      ['inside the wide set only: allowed', { ip: '10.200.0.1' }, true],
      ['inside both sets: excluded by the narrow one', { ip: '10.1.2.5' }, false],
      ['inside a /25 nested in a /24 of the same set', { ip: '10.1.2.130' }, false],
      ['the last address of a range overlapping the /24', { ip: '10.1.3.10' }, false],
      ['just past that range', { ip: '10.1.3.11' }, true],
      ['the last address of the wide /8', { ip: '10.255.255.255' }, true],
      ['just past the wide /8', { ip: '11.0.0.0' }, false],
      ['an IPv6 /48 nested in the wide /32', { ip: '2001:db8:abcd:1::1' }, false],
      ['the IPv6 /32 outside the nested /48', { ip: '2001:db8:abce::1' }, true],
    ]),
  );

  const skipFromNarrow = tenantPolicy({
    ipSets,
    groups: [{ name: 'g', allow: 'ip in wide', skip: 'ip in narrow' }],
    defaultGroup: 'g',
  });
  table([
    {
      name: 'an address in both sets meets both conditions',
      policy: skipFromNarrow,
      context: { ip: '10.1.2.255' },
      expect: ALLOW,
    },
    {
      name: 'an address in the wide set only must give a second factor',
      policy: skipFromNarrow,
      context: { ip: '10.1.1.255' },
      expect: { kind: 'challenge', reason: 'second-factor-required' },
    },
  ]);
});

/** 2026-06-15 is a Monday; Tokyo is UTC+9 all year. */
const at = (iso: string) => ({ at: new Date(iso) });

describe('decide: time of day in the tenant zone, across midnight', () => {
  const night = (timeZone: string) => allowedIf('time 22:00-06:00', { timeZone });
  table(
    rows(night('Asia/Tokyo'), [
      ['21:59 in Tokyo is before the window', at('2026-06-15T12:59:00Z'), false],
      ['21:59:59.999 in Tokyo still counts as 21:59', at('2026-06-15T12:59:59.999Z'), false],
      ['22:00 in Tokyo opens it', at('2026-06-15T13:00:00Z'), true],
      ['00:00 in Tokyo is inside', at('2026-06-15T15:00:00Z'), true],
      ['05:59 in Tokyo is inside', at('2026-06-15T20:59:00Z'), true],
      ['06:00 in Tokyo closes it', at('2026-06-15T21:00:00Z'), false],
    ]),
  );
  table(
    rows(night('UTC'), [
      [
        'the instant that is 22:00 in Tokyo is 13:00 in a UTC tenant',
        at('2026-06-15T13:00:00Z'),
        false,
      ],
      ['22:00 UTC (07:00 in Tokyo) opens it for a UTC tenant', at('2026-06-15T22:00:00Z'), true],
    ]),
  );
  table(
    rows(allowedIf('time 09:00-24:00'), [
      ['23:59 is before a window ending at 24:00', at('2026-06-15T14:59:00Z'), true],
      ['00:00 is not in a window ending at 24:00', at('2026-06-15T15:00:00Z'), false],
    ]),
  );
});

describe('decide: weekday and date across the date line', () => {
  const weekdays = (timeZone: string) => allowedIf('weekday mon-fri', { timeZone });
  table([
    ...rows(weekdays('Asia/Tokyo'), [
      ['Sunday 23:59 in Tokyo', at('2026-06-14T14:59:00Z'), false],
      ['Monday 00:00 in Tokyo (still Sunday in UTC)', at('2026-06-14T15:00:00Z'), true],
      ['Friday 23:59 in Tokyo', at('2026-06-19T14:59:00Z'), true],
      ['Saturday 00:00 in Tokyo (still Friday in UTC)', at('2026-06-19T15:00:00Z'), false],
    ]),
    ...rows(weekdays('UTC'), [
      ['the same instants in a UTC tenant: Sunday', at('2026-06-14T15:00:00Z'), false],
      ['the same instants in a UTC tenant: Friday', at('2026-06-19T15:00:00Z'), true],
    ]),
    ...rows(allowedIf('weekday sat,sun', { timeZone: 'Pacific/Pago_Pago' }), [
      [
        'at Monday noon in Tokyo it is Sunday in Pago Pago (UTC-11)',
        at('2026-06-15T03:00:00Z'),
        true,
      ],
    ]),
    ...rows(allowedIf('weekday sat,sun', { timeZone: 'Pacific/Kiritimati' }), [
      ['and Monday in Kiritimati (UTC+14)', at('2026-06-15T03:00:00Z'), false],
    ]),
    ...rows(allowedIf('date 2026-06-15'), [
      [
        'a date is the local date: 2026-06-14 15:00 UTC is 06-15 in Tokyo',
        at('2026-06-14T15:00:00Z'),
        true,
      ],
      ['2026-06-15 15:00 UTC is already 06-16 in Tokyo', at('2026-06-15T15:00:00Z'), false],
    ]),
  ]);
});

describe('decide: entrance pass age', () => {
  const policy = tenantPolicy({
    groups: [{ name: 'g', skip: 'pass age <= 30' }],
    defaultGroup: 'g',
  });
  const passAged = (ms: number) => ({
    entrancePass: { issuedAt: new Date(MONDAY_NOON_TOKYO.getTime() - ms) },
  });
  const CHALLENGE = { kind: 'challenge', reason: 'second-factor-required' } as const;
  const pass = (name: string, context: Row['context'], skipped: boolean): Row => ({
    ...{ name, policy, context },
    expect: skipped ? ALLOW : CHALLENGE,
  });
  table([
    pass('a pass exactly 30 days old skips the second factor', passAged(30 * DAY_MS), true),
    pass(
      'a pass 30 days and 23:59 old is still 30 whole days',
      passAged(31 * DAY_MS - 60_000),
      true,
    ),
    pass('a pass exactly 31 days old does not', passAged(31 * DAY_MS), false),
    pass('no pass does not', {}, false),
    pass('a pass issued in the future is not trusted', passAged(-60_000), false),
  ]);
});

test('an unknown time zone throws, which the caller turns into a deny', () => {
  const policy = allowedIf('time 09:00-18:00', { timeZone: 'Mars/Olympus_Mons' });
  assert.throws(() => decideRow({ policy }), RangeError);
});
