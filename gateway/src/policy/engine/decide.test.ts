import { describe } from 'node:test';
import { table, tenantPolicy } from './decide.test-helper.ts';

const OFFICE = '203.0.113.5';
const VPN = '198.51.100.9';
const HOME = '192.0.2.10';

/** Three groups; staff is the tenant default; two users are assigned elsewhere. */
const policy = tenantPolicy({
  ipSets: { office: ['203.0.113.0/24', '2001:db8:1::/48'], vpn: ['198.51.100.0/24'] },
  groups: [
    { name: 'office-only', allow: 'ip in office', skip: 'ip in office', applications: ['crm'] },
    {
      name: 'staff',
      allow: 'ip in office or ip in vpn or group "Sales"',
      factors: ['totp', 'email_otp'],
    },
    { name: 'contractors', allow: 'attr employment = "contractor" and ip in vpn', skip: 'true' },
  ],
  defaultGroup: 'staff',
  assignments: { 'u-office': 'office-only', 'u-contract': 'contractors' },
});
const office = { id: 'u-office' };
const contractor = { id: 'u-contract' };
const blocklist = tenantPolicy({
  ipSets: { blocked: ['192.0.2.0/24'] },
  groups: [{ name: 'g', allow: 'not ip in blocked', skip: 'true' }],
  defaultGroup: 'g',
});
const skipAll = (groups: object = {}) =>
  tenantPolicy({ groups: [{ name: 'g', skip: 'true', ...groups }], defaultGroup: 'g' });

describe('decide: which group applies', () => {
  table([
    {
      name: "an assigned user is judged by the assigned group's rules",
      policy,
      subject: office,
      context: { ip: OFFICE },
      expect: { kind: 'allow', reason: 'second-factor-skipped', group: 'office-only' },
    },
    {
      name: 'the assigned group is used even when the default group would allow',
      policy,
      subject: office,
      context: { ip: VPN },
      expect: { kind: 'deny', reason: 'condition-not-met', group: 'office-only' },
    },
    {
      name: 'an unassigned user falls into the tenant default group',
      policy,
      context: { ip: VPN },
      expect: { kind: 'challenge', reason: 'second-factor-required', group: 'staff' },
    },
    {
      name: 'with no groups at all, the built-in default allows without a second factor',
      policy: tenantPolicy(),
      expect: { kind: 'allow', reason: 'second-factor-skipped', group: 'default' },
    },
    {
      name: 'with groups but no tenant default, an unassigned user gets the built-in default',
      policy: tenantPolicy({ groups: [{ name: 'g', allow: 'false' }] }),
      expect: { kind: 'allow', reason: 'second-factor-skipped', group: 'default' },
    },
  ]);
});

describe('decide: default deny', () => {
  table([
    {
      name: 'an allow condition that is false denies',
      policy,
      subject: { groups: [] },
      context: { ip: HOME },
      expect: { kind: 'deny', reason: 'condition-not-met', group: 'staff' },
    },
    {
      name: 'a second factor already used does not lift a false allow condition',
      policy,
      subject: office,
      context: { ip: HOME, amr: ['pwd', 'otp', 'mfa'] },
      expect: { kind: 'deny', reason: 'condition-not-met' },
    },
    {
      name: 'an IP set missing at decision time is unknown, and unknown never allows',
      policy: { ...policy, ipSets: new Map() },
      subject: office,
      context: { ip: OFFICE },
      expect: { kind: 'deny', reason: 'condition-not-met' },
    },
    {
      name: 'nor does `not` of a missing IP set',
      policy: { ...blocklist, ipSets: new Map() },
      expect: { kind: 'deny', reason: 'condition-not-met' },
    },
    {
      name: 'a suspended user is denied whatever the network',
      policy,
      subject: { ...office, status: 'suspended' },
      context: { ip: OFFICE },
      expect: { kind: 'deny', reason: 'user-inactive', group: 'office-only' },
    },
    {
      name: 'a locked user is denied whatever the network',
      policy: tenantPolicy(),
      subject: { status: 'locked' },
      expect: { kind: 'deny', reason: 'user-inactive' },
    },
  ]);
});

describe('decide: application scoping', () => {
  table([
    {
      name: 'an application in the group list is reached',
      policy,
      subject: office,
      application: 'crm',
      context: { ip: OFFICE },
      expect: { kind: 'allow', reason: 'second-factor-skipped' },
    },
    {
      name: 'an application outside the group list is not allowed, even from the office',
      policy,
      subject: office,
      application: 'hr',
      context: { ip: OFFICE },
      expect: { kind: 'deny', reason: 'application-not-allowed', group: 'office-only' },
    },
    {
      name: "a group with 'all' reaches any application",
      policy,
      subject: contractor,
      application: 'hr',
      context: { ip: VPN },
      expect: { kind: 'allow', reason: 'second-factor-skipped', group: 'contractors' },
    },
    {
      name: 'the sign-in to the portal itself is not scoped by application',
      policy,
      subject: office,
      stage: 'post-auth',
      context: { ip: OFFICE },
      expect: { kind: 'allow', reason: 'second-factor-skipped' },
    },
  ]);
});

describe('decide: second factor', () => {
  table([
    {
      name: 'a true skip condition allows without a second factor',
      policy: skipAll(),
      expect: { kind: 'allow', reason: 'second-factor-skipped' },
    },
    {
      name: "a false skip condition challenges with the group's factors this build can run",
      policy,
      context: { ip: VPN },
      availableFactors: ['lock', 'totp'],
      expect: { kind: 'challenge', reason: 'second-factor-required', factors: ['totp'] },
    },
    {
      name: 'with no factor built yet, the challenge lists none (a "not set up" page)',
      policy,
      context: { ip: VPN },
      availableFactors: [],
      expect: { kind: 'challenge', reason: 'second-factor-required', factors: [] },
    },
    {
      name: "'mfa' in the session's amr allows without asking again",
      policy,
      context: { ip: VPN, amr: ['pwd', 'otp', 'mfa'] },
      expect: { kind: 'allow', reason: 'second-factor-done', group: 'staff' },
    },
    {
      name: 'a user who may skip but has no factor set up is made to enrol one first',
      policy: skipAll(),
      subject: { enrolledFactors: [] },
      expect: {
        kind: 'challenge',
        reason: 'second-factor-enrolment-required',
        factors: ['lock', 'totp'],
      },
    },
    {
      name: 'a factor the group does not accept does not count as enrolled',
      policy: skipAll({ factors: ['lock'] }),
      subject: { enrolledFactors: ['totp'] },
      expect: { kind: 'challenge', reason: 'second-factor-enrolment-required', factors: ['lock'] },
    },
    {
      name: 'no enrolment is required while no accepted factor can run',
      policy: skipAll({ factors: ['email_otp'] }),
      subject: { enrolledFactors: [] },
      expect: { kind: 'allow', reason: 'second-factor-skipped' },
    },
  ]);
});
