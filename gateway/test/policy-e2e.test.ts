/**
 * Access policy end to end through the real pages and protocols: a SAML sign-in to the
 * Google Workspace preset allowed from the office network and refused from elsewhere (before
 * any password), a second factor demanded outside the office (the password leads to the
 * factor page, not a session), entrance passes, fail-closed on an unreadable policy, and the
 * simulator and dry run. Google cannot run here: the test plays its documented SP part.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { sql } from 'kysely';
import { TestBrowser } from './support/browser.ts';
import { enrolTotp } from './support/factor-kit.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from './support/test-app.ts';

const OFFICE = '203.0.113.9';
const HOME = '198.51.100.7';
const ACS = 'https://www.google.com/a/acme.example/acs';

function googleAuthnRequest(): string {
  const xml = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_${Math.random().toString(36).slice(2)}" Version="2.0" IssueInstant="${new Date().toISOString()}" AssertionConsumerServiceURL="${ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">google.com</saml:Issuer></samlp:AuthnRequest>`;
  return encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'));
}

/** Follows Sekisho's redirects, signing in when asked; returns the last response. */
async function signInThrough(b: TestBrowser, url: string, loginId: string) {
  let res = await b.get(url);
  for (let hop = 0; res.statusCode === 303 && hop < 10; hop++) {
    const loc = new URL(String(res.headers.location), 'https://sekisho.test');
    if (loc.pathname.endsWith('/login') && loc.searchParams.has('return')) {
      const page = await b.get(loc.pathname + loc.search);
      if (page.statusCode !== 200) return page;
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      res = await b.post(loc.pathname, {
        _csrf: csrf,
        loginId,
        password: TEST_PASSWORD,
        return: loc.searchParams.get('return')!,
      });
    } else res = await b.get(loc.pathname + loc.search);
  }
  return res;
}

describe('access policy, end to end', () => {
  let t: TestApp;
  let s: SeededTenant;
  const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url: `/api/tenants/acme${url}`,
      headers: { authorization: `Bearer ${s.token}` },
      ...(payload !== undefined && { payload: payload as object }),
    });
  let groupId: string;

  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    // Policy groups make users set up a factor even where they may skip it: this user has one.
    await enrolTotp(t, s.tenant.id, s.admin.id);
    assert.equal(
      (
        await api('POST', '/applications', {
          kind: 'saml',
          name: 'Google Workspace',
          preset: 'google-workspace',
          presetInput: { domain: 'acme.example' },
        })
      ).statusCode,
      201,
    );
    assert.equal(
      (
        await api('POST', '/ip-sets', {
          identifier: 'office',
          name: 'Tokyo office',
          entries: ['203.0.113.0/24', '2001:db8:1::/48'],
        })
      ).statusCode,
      201,
    );
    const g = await api('POST', '/policy-groups', {
      name: 'staff',
      isDefault: true,
      allowCondition: 'ip in office or pass',
      skipSecondFactorCondition: 'ip in office or pass',
    });
    assert.equal(g.statusCode, 201, g.body);
    groupId = g.json<{ id: string }>().id;
    assert.equal(
      (
        await api('PUT', '/policy-settings', {
          passIssuanceCondition: 'ip in office',
          passLifetimeDays: 180,
        })
      ).statusCode,
      200,
    );
  });
  after(() => t.close());

  test('a SAML sign-in to Google Workspace succeeds from the office network', async () => {
    const b = new TestBrowser(t.app, {}, OFFICE);
    const res = await signInThrough(
      b,
      `/t/acme/saml/sso?SAMLRequest=${googleAuthnRequest()}`,
      s.admin.loginId,
    );
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /name="SAMLResponse"/);
    assert.ok(res.body.includes(`action="${ACS}"`));
  });

  test('from another network the sign-in page itself is refused, with a reference in the audit log', async () => {
    const b = new TestBrowser(t.app, { 'accept-language': 'en' }, HOME);
    const res = await signInThrough(
      b,
      `/t/acme/saml/sso?SAMLRequest=${googleAuthnRequest()}`,
      s.admin.loginId,
    );
    assert.equal(res.statusCode, 403);
    assert.doesNotMatch(res.body, /SAMLResponse/);
    assert.match(res.body, /not allow signing in from this network/);
    const reference = /Reference: ([A-Z0-9]{8})/.exec(res.body)![1]!;
    const [event] = await t.platform.audit.search(s.tenant.id, { reference });
    assert.equal(event?.result, 'deny');
    assert.equal(event?.reason, 'network-or-device-not-allowed');
    assert.equal(event?.ip, HOME);
  });

  test('an office sign-in earns an entrance pass that then admits the browser from elsewhere, until revoked', async () => {
    const list = async () =>
      (await api('GET', `/entrance-passes?userId=${s.admin.id}`)).json<
        { id: string; issuedAt: string }[]
      >();
    const before = (await list()).length;
    const b = new TestBrowser(t.app, {}, OFFICE);
    const login = await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    assert.equal(login.statusCode, 303);
    assert.match(b.cookieHeader, /sekisho_pass=skp_/);
    const passes = await list();
    assert.equal(passes.length, before + 1, 'one new pass for this browser');
    const away = new TestBrowser(t.app, {}, HOME);
    for (const c of b.cookieHeader.split('; ').filter((c) => c.startsWith('sekisho_pass=')))
      away.setCookie(c);
    assert.equal((await away.get('/t/acme/login')).statusCode, 200, 'the pass opens the door');
    assert.equal((await away.login('acme', s.admin.loginId, TEST_PASSWORD)).statusCode, 303);
    assert.equal((await api('DELETE', `/entrance-passes/${passes[0]!.id}`)).statusCode, 204);
    assert.equal((await new TestBrowser(t.app, {}, HOME).get('/t/acme/login')).statusCode, 403);
    const again = new TestBrowser(t.app, {}, HOME);
    for (const c of b.cookieHeader.split('; ').filter((c) => c.startsWith('sekisho_pass=')))
      again.setCookie(c);
    assert.equal(
      (await again.get('/t/acme/login')).statusCode,
      403,
      'a revoked pass admits nobody',
    );
  });

  test('outside the office a second factor is required: the password leads to the factor page, not a session', async () => {
    const remote = await api('POST', '/policy-groups', {
      name: 'remote',
      allowCondition: 'true',
      skipSecondFactorCondition: 'ip in office',
    });
    const remoteId = remote.json<{ id: string }>().id;
    assert.equal(
      (await api('PUT', `/policy-groups/${remoteId}/members`, { userIds: [s.admin.id] }))
        .statusCode,
      200,
    );
    const b = new TestBrowser(t.app, { 'accept-language': 'en' }, HOME);
    const res = await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/t/acme/login/factor');
    const portal = await b.get('/t/acme/portal');
    assert.equal(portal.statusCode, 303, 'no session was opened');
    assert.match(String(portal.headers.location), /\/t\/acme\/login\?/);
    const sim = await api('POST', '/policy/simulate', { loginId: s.admin.loginId, ip: HOME });
    assert.equal(sim.json<{ decision: string; reason: string }>().decision, 'challenge');
    const simOffice = await api('POST', '/policy/simulate', {
      loginId: s.admin.loginId,
      ip: OFFICE,
    });
    assert.equal(simOffice.json<{ decision: string }>().decision, 'allow');
    assert.equal((await api('DELETE', `/policy-groups/${remoteId}`)).statusCode, 204);
  });

  test('the simulator explains a denial with its trace; the dry run lists whose outcome would change', async () => {
    const sim = await api('POST', '/policy/simulate', { loginId: s.admin.loginId, ip: HOME });
    const body = sim.json<{
      decision: string;
      reason: string;
      trace: { term: string; result: unknown }[];
    }>();
    assert.equal(body.decision, 'deny');
    assert.equal(body.reason, 'condition-not-met');
    assert.ok(
      body.trace.some((e) => e.term.includes('office') && e.result === false),
      JSON.stringify(body.trace),
    );
    const dry = await api('POST', '/policy/dry-run', {
      groupId,
      group: {
        name: 'staff',
        isDefault: true,
        allowCondition: 'false',
        skipSecondFactorCondition: 'true',
      },
    });
    assert.equal(dry.statusCode, 200, dry.body);
    const changes = dry.json<{ changes: { loginId: string; before: string; after: string }[] }>()
      .changes;
    assert.ok(
      changes.some(
        (c) => c.loginId === s.admin.loginId && c.before === 'allow' && c.after === 'deny',
      ),
    );
  });

  test('invalid policy input is refused with the position or entry named, and nothing changes', async () => {
    const bad = await api('POST', '/policy-groups', {
      name: 'bad',
      allowCondition: 'ip in office or (',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /allowCondition/);
    assert.match(bad.body, /1:\d+/);
    const unknownSet = await api('POST', '/policy-groups', {
      name: 'bad2',
      allowCondition: 'ip in nowhere',
    });
    assert.equal(unknownSet.statusCode, 400);
    const badIp = await api('POST', '/ip-sets', {
      identifier: 'vpn',
      name: 'VPN',
      entries: ['10.0.0.0/8', '10.0.0.300'],
    });
    assert.equal(badIp.statusCode, 400);
    assert.match(badIp.body, /10\.0\.0\.300/);
    const sets = (await api('GET', '/ip-sets')).json<{ id: string; identifier: string }[]>();
    assert.deepEqual(
      sets.map((x) => x.identifier),
      ['office'],
    );
    assert.equal(
      (await api('DELETE', `/ip-sets/${sets[0]!.id}`)).statusCode,
      409,
      'an IP set in use cannot be deleted',
    );
  });

  test('an unreadable policy denies with a clear page, never allows', async () => {
    await sql`UPDATE policy_groups SET allow_condition = 'ip in (' WHERE id = ${groupId}`.execute(
      t.platform.store.db,
    );
    await t.platform.kv.increment(`policy:version:${s.tenant.id}`);
    const res = await new TestBrowser(t.app, { 'accept-language': 'en' }, OFFICE).get(
      '/t/acme/login',
    );
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /Reference/);
    const [event] = await t.platform.audit.search(s.tenant.id, {
      action: 'login.policy-pre-auth',
      result: 'deny',
    });
    assert.equal(event?.reason, 'policy-error');
  });

  test('a group rule puts members of a user group in its policy group; an explicit assignment wins', async () => {
    // The previous test left the default group unreadable: save it again.
    const repaired = await api('PUT', `/policy-groups/${groupId}`, {
      name: 'staff',
      isDefault: true,
      allowCondition: 'ip in office or pass',
      skipSecondFactorCondition: 'ip in office or pass',
    });
    assert.equal(repaired.statusCode, 200, repaired.body);
    await t.platform.groups.create(s.tenant.id, 'Contractors');
    const carol = await t.platform.users.create(s.tenant.id, {
      loginId: 'carol@acme.example',
      displayName: 'Carol',
      groups: ['Contractors'],
    });
    await enrolTotp(t, s.tenant.id, carol.id);
    const contractors = await api('POST', '/policy-groups', {
      name: 'contractors',
      memberGroups: ['Contractors'],
      rulePriority: 10,
      allowCondition: 'false',
    });
    assert.equal(contractors.statusCode, 201, contractors.body);
    assert.deepEqual(
      contractors.json<{ memberGroups: string[]; rulePriority: number }>().memberGroups,
      ['Contractors'],
    );
    const lower = await api('POST', '/policy-groups', {
      name: 'contractors-low',
      memberGroups: ['Contractors', 'Interns'],
      rulePriority: 1,
      allowCondition: 'true',
    });
    assert.equal(lower.statusCode, 201, lower.body);
    const badRule = await api('POST', '/policy-groups', { name: 'bad', memberGroups: 'x' });
    assert.equal(badRule.statusCode, 400);
    assert.match(badRule.body, /memberGroups/);

    const sim = async (loginId: string) =>
      (await api('POST', '/policy/simulate', { loginId, ip: OFFICE })).json<{
        decision: string;
        reason: string;
        group: string;
      }>();
    const byRule = await sim(carol.loginId);
    assert.equal(byRule.group, 'contractors', 'the highest-priority matching rule');
    assert.equal(byRule.decision, 'deny');
    assert.equal(byRule.reason, 'condition-not-met');
    const admin = await sim(s.admin.loginId);
    assert.equal(admin.group, 'staff', 'no matching rule: the tenant default');
    assert.equal(admin.decision, 'allow');

    assert.equal(
      (await api('PUT', `/policy-groups/${groupId}/members`, { userIds: [carol.id] })).statusCode,
      200,
    );
    const explicit = await sim(carol.loginId);
    assert.equal(explicit.group, 'staff', 'an explicit assignment wins over group rules');
    assert.equal(explicit.decision, 'allow');
  });

  test('users are assigned in bulk by CSV; bad rows are reported with their line and reason', async () => {
    const dave = await t.platform.users.create(s.tenant.id, {
      loginId: 'dave@acme.example',
      displayName: 'Dave',
    });
    const upload = (csv: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/tenants/acme/policy-groups/assign',
        headers: { authorization: `Bearer ${s.token}`, 'content-type': 'text/csv' },
        payload: csv,
      });
    const res = await upload(
      '\uFEFFlogin_id,policy_group\r\n' +
        'carol@acme.example,\r\n' + // line 2: back to the default (here: her group rule)
        'nobody@acme.example,staff\r\n' + // line 3: unknown user
        '\r\n' +
        `${s.admin.loginId},contractors\r\n` + // line 5
        `${dave.loginId},ghosts\r\n`, // line 6: unknown policy group
    );
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json<{
      applied: number;
      rejected: { line: number; loginId: string; reasons: string[] }[];
    }>();
    assert.equal(report.applied, 2);
    assert.deepEqual(
      report.rejected.map((r) => [r.line, r.loginId]),
      [
        [3, 'nobody@acme.example'],
        [6, dave.loginId],
      ],
    );
    assert.match(report.rejected[0]!.reasons.join(), /unknown user/);
    assert.match(report.rejected[1]!.reasons.join(), /unknown policy group 'ghosts'/);

    const groupOf = async (loginId: string) =>
      (await api('POST', '/policy/simulate', { loginId, ip: OFFICE })).json<{ group: string }>()
        .group;
    assert.equal(await groupOf('carol@acme.example'), 'contractors');
    assert.equal(await groupOf(s.admin.loginId), 'contractors');
    assert.equal(await groupOf(dave.loginId), 'staff', 'a rejected row changes nothing');

    const back = await upload(`login_id,policy_group\n${s.admin.loginId},\n`);
    assert.equal(back.json<{ applied: number }>().applied, 1);
    assert.equal(await groupOf(s.admin.loginId), 'staff');

    const noHeader = await upload('email,group\nx@acme.example,staff\n');
    assert.equal(noHeader.statusCode, 400);
    assert.match(noHeader.body, /login_id and policy_group/);
  });

  test("the portal lists the signed-in user's own live entrance passes", async () => {
    const b = new TestBrowser(t.app, { 'accept-language': 'en' }, OFFICE);
    assert.equal((await b.login('acme', s.admin.loginId, TEST_PASSWORD)).statusCode, 303);
    assert.match(b.cookieHeader, /sekisho_pass=skp_/);
    const live = (await api('GET', `/entrance-passes?userId=${s.admin.id}`))
      .json<{ revokedAt: string | null }[]>()
      .filter((p) => !p.revokedAt);
    assert.ok(live.length >= 1);
    const page = await b.get('/t/acme/portal');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Your entrance passes/);
    const rows = page.body.split('<section class="passes">')[1]!.match(/<td>/g) ?? [];
    assert.equal(rows.length, live.length * 3, 'issued, last use and expiry of each live pass');
    assert.match(page.body, /<td>[A-Z][a-z]{2} \d{1,2}, \d{4}/);
    assert.doesNotMatch(page.body, /You have no entrance passes/);
    const ja = new TestBrowser(t.app, { 'accept-language': 'ja' }, OFFICE);
    assert.equal((await ja.login('acme', s.admin.loginId, TEST_PASSWORD)).statusCode, 303);
    assert.match((await ja.get('/t/acme/portal')).body, /あなたの入館証/);
  });
});
