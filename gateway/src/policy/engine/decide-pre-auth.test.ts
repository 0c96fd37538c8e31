import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideRow, table, tenantPolicy } from './decide.test-helper.ts';

const ipSets = { office: ['203.0.113.0/24'], vpn: ['198.51.100.0/24'] };
const OFFICE = '203.0.113.5';
const VPN = '198.51.100.9';
const HOME = '192.0.2.10';

/** Every group needs the office or the VPN, whoever the user is. */
const networkOnly = tenantPolicy({
  ipSets,
  groups: [
    { name: 'office-only', allow: 'ip in office and group "Sales"' },
    { name: 'remote', allow: '(ip in office or ip in vpn) and not login "*@guest.example"' },
  ],
  defaultGroup: 'remote',
});

describe('decide: before the password (user not known)', () => {
  table([
    {
      name: 'a network allowed by some group may go on to the password',
      policy: networkOnly,
      subject: null,
      context: { ip: VPN },
      expect: { kind: 'allow', reason: 'may-continue', group: '*' },
    },
    {
      name: 'a network term false for every group denies before the password',
      policy: networkOnly,
      subject: null,
      context: { ip: HOME },
      expect: { kind: 'deny', reason: 'network-or-device-not-allowed', group: '*' },
    },
    {
      name: 'subject terms are unknown, so they do not deny before the password',
      policy: tenantPolicy({
        groups: [{ name: 'g', allow: 'group "Sales" or not login "*@acme.example"' }],
        defaultGroup: 'g',
      }),
      subject: null,
      expect: { kind: 'allow', reason: 'may-continue' },
    },
    {
      name: 'a device certificate required by every group denies a browser without one',
      policy: tenantPolicy({ groups: [{ name: 'g', allow: 'cert personal' }], defaultGroup: 'g' }),
      subject: null,
      expect: { kind: 'deny', reason: 'network-or-device-not-allowed' },
    },
    {
      name: 'with the certificate the browser may go on',
      policy: tenantPolicy({ groups: [{ name: 'g', allow: 'cert personal' }], defaultGroup: 'g' }),
      subject: null,
      context: { deviceCert: { loginType: 'personal' } },
      expect: { kind: 'allow', reason: 'may-continue' },
    },
    {
      name: 'an IP set missing at decision time is unknown, so it does not deny yet',
      policy: { ...networkOnly, ipSets: new Map() },
      subject: null,
      context: { ip: HOME },
      expect: { kind: 'allow', reason: 'may-continue' },
    },
    {
      name: 'with no groups, the built-in default lets everyone go on',
      policy: tenantPolicy(),
      subject: null,
      expect: { kind: 'allow', reason: 'may-continue' },
    },
    {
      name: 'without a tenant default, unassigned users (built-in default) may go on',
      policy: tenantPolicy({ ipSets, groups: [{ name: 'g', allow: 'ip in office' }] }),
      subject: null,
      context: { ip: HOME },
      expect: { kind: 'allow', reason: 'may-continue' },
    },
  ]);

  test('an unknown term only lets the login go on; after the password the user group decides', () => {
    const ask = { policy: networkOnly, context: { ip: OFFICE } };
    assert.equal(decideRow({ ...ask, subject: null }).reason, 'may-continue');
    const guest = decideRow({ ...ask, subject: { loginId: 'eve@guest.example' } });
    assert.deepEqual(
      [guest.kind, guest.reason, guest.group],
      ['deny', 'condition-not-met', 'remote'],
    );
  });
});

describe('decide: the trace', () => {
  test('names each evaluated term with its result, in evaluation order', () => {
    const d = decideRow({ policy: networkOnly, context: { ip: VPN } });
    assert.deepEqual(d.trace, [
      { term: 'allow (remote)', result: true },
      { term: 'ip in office', result: false },
      { term: 'ip in vpn', result: true },
      { term: 'ip in office or ip in vpn', result: true },
      { term: 'login "*@guest.example"', result: false },
      { term: 'not login "*@guest.example"', result: true },
      { term: '(ip in office or ip in vpn) and not login "*@guest.example"', result: true },
      { term: 'skip second factor (remote)', result: false },
      { term: 'false', result: false },
    ]);
  });

  test('before the password, shows each group tried and why a subject term is unknown', () => {
    const d = decideRow({ policy: networkOnly, subject: null, context: { ip: OFFICE } });
    assert.deepEqual(d.trace, [
      { term: 'allow (office-only)', result: 'unknown' },
      { term: 'ip in office', result: true },
      { term: 'group "Sales"', result: 'unknown', reason: 'subject-unknown' },
      { term: 'ip in office and group "Sales"', result: 'unknown' },
    ]);
  });

  test('records the application refused and stops there', () => {
    const policy = tenantPolicy({
      groups: [{ name: 'g', applications: ['crm'] }],
      defaultGroup: 'g',
    });
    const d = decideRow({ policy, application: 'hr' });
    assert.deepEqual(d.trace, [{ term: 'application hr in g', result: false }]);
  });

  test('a deny for an inactive user evaluates nothing', () => {
    const d = decideRow({ policy: networkOnly, subject: { status: 'suspended' } });
    assert.deepEqual(d.trace, []);
  });

  test('a missing IP set and an unparsable client IP are traced as such', () => {
    const missing = decideRow({
      policy: { ...networkOnly, ipSets: new Map() },
      context: { ip: VPN },
    });
    assert.deepEqual(missing.trace[1], {
      term: 'ip in office',
      result: 'unknown',
      reason: 'ip-set-unknown',
    });
    const invalid = decideRow({ policy: networkOnly, context: { ip: 'localhost' } });
    assert.deepEqual(invalid.trace[1], {
      term: 'ip in office',
      result: false,
      reason: 'ip-invalid',
    });
  });
});
