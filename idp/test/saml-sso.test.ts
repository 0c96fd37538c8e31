/**
 * SP-initiated and IdP-initiated SAML sign-in against node-saml as the SP: AuthnRequests by
 * HTTP-Redirect and HTTP-POST, sign-in in between, node-saml accepting the signed Response
 * with the configured NameID and attributes, single sign-on to a second SP without a
 * password, RelayState returned unchanged, and the audit trail.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, type User } from '@sekisho/platform';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { browse, nodeSamlSp, pathOf, postFormOf, registerSp } from './support/saml-sp.ts';

const SP = 'https://sp.test';
const SP2 = 'https://second-sp.test';

describe('SAML sign-in', () => {
  let t: TestApp;
  let s: SeededTenant;
  let user: User;
  let idpInitiatedId: string;
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    await t.platform.groups.create(s.tenant.id, 'engineering');
    await t.platform.groups.create(s.tenant.id, 'sales');
    user = await t.platform.users.create(
      s.tenant.id,
      {
        loginId: 'hanako@acme.example',
        displayName: '山田 花子',
        groups: ['engineering', 'sales'],
        attributes: { department: 'R&D <core>' },
      },
      await hashPassword(TEST_PASSWORD),
    );
    const sp = await registerSp(t, s.tenant.id, 'Test SP', {
      entityId: SP,
      acs: [{ url: `${SP}/acs` }],
      attributes: [
        { name: 'email', source: 'email' },
        { name: 'displayName', friendlyName: 'Display name', source: 'displayName' },
        { name: 'groups', source: 'groups' },
        { name: 'department', source: 'attr:department' },
        { name: 'missing', source: 'attr:nothing' },
      ],
      relayStateMaxBytes: 200,
    });
    idpInitiatedId = sp.id;
    await registerSp(t, s.tenant.id, 'Second SP', { entityId: SP2, acs: [{ url: `${SP2}/acs` }] });
  });
  after(() => t.close());

  test('HTTP-Redirect: sign-in, then node-saml accepts the assertion with NameID and attributes', async () => {
    const sp = await nodeSamlSp(t, SP);
    const b = new TestBrowser(t.app);
    const first = await b.get(pathOf(await sp.getAuthorizeUrlAsync('', undefined, {})));
    assert.equal(first.statusCode, 303);
    assert.match(
      String(first.headers.location),
      /^\/t\/acme\/login\?return=%2Ft%2Facme%2Fsaml%2Fcontinue%2F/,
    );
    const page = await browse(b, first, user.loginId);
    const form = postFormOf(page);
    assert.ok(form, 'the page carries the POST form');
    assert.equal(form.action, `${SP}/acs`);
    assert.equal(form.fields.RelayState, undefined, 'no RelayState when none was sent');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'sha256-[^']+'/);
    assert.match(csp, /form-action https:\/\/sp\.test(;|$)/);
    const { profile } = await sp.validatePostResponseAsync(form.fields);
    assert.equal(profile?.nameID, user.email);
    assert.equal(profile?.nameIDFormat, 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
    assert.equal(profile?.email, user.email);
    assert.equal(profile?.displayName, '山田 花子');
    assert.deepEqual(profile?.groups, ['engineering', 'sales']);
    assert.equal(profile?.department, 'R&D <core>');
    assert.equal(profile?.missing, undefined, 'an attribute the user lacks is left out');
    assert.ok(profile?.sessionIndex);
  });

  test('HTTP-POST: the request is kept and the browser continues by GET; RelayState comes back unchanged', async () => {
    const sp = await nodeSamlSp(t, SP, { authnRequestBinding: 'HTTP-POST' });
    const relayState = 'https://sp.test/app?x=1&y=ü "quoted"';
    const message = await sp.getAuthorizeMessageAsync(relayState, undefined, {});
    const b = new TestBrowser(t.app);
    const posted = await b.post('/t/acme/saml/sso', message as Record<string, string>);
    assert.equal(posted.statusCode, 303);
    assert.match(String(posted.headers.location), /^\/t\/acme\/saml\/continue\/[A-Za-z0-9_-]{32}$/);
    const form = postFormOf(await browse(b, posted, user.loginId));
    assert.ok(form);
    assert.equal(form.fields.RelayState, relayState);
    const { profile } = await sp.validatePostResponseAsync(form.fields);
    assert.equal(profile?.nameID, user.email);
  });

  test('a signed-in user reaches a second SP without signing in again', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', user.loginId, TEST_PASSWORD);
    const sp2 = await nodeSamlSp(t, SP2);
    const res = await b.get(pathOf(await sp2.getAuthorizeUrlAsync('back-to', undefined, {})));
    assert.equal(res.statusCode, 200);
    const form = postFormOf(res);
    assert.ok(form);
    assert.equal(form.fields.RelayState, 'back-to');
    const { profile } = await sp2.validatePostResponseAsync(form.fields);
    assert.equal(profile?.nameID, user.email);
    assert.equal(profile?.groups, undefined, 'this SP maps no attributes');
  });

  test('IdP-initiated: an unsolicited Response without InResponseTo, RelayState passed through', async () => {
    const b = new TestBrowser(t.app);
    const first = await b.get(
      `/t/acme/saml/start/${idpInitiatedId}?RelayState=${encodeURIComponent('/dashboard')}`,
    );
    const form = postFormOf(await browse(b, first, user.loginId));
    assert.ok(form);
    assert.equal(form.fields.RelayState, '/dashboard');
    const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString();
    assert.doesNotMatch(xml, /InResponseTo/);
    const sp = await nodeSamlSp(t, SP, { validateInResponseTo: 'never' as never });
    const { profile } = await sp.validatePostResponseAsync(form.fields);
    assert.equal(profile?.nameID, user.email);
  });

  test('a pending request yields one Response: its continue link works once', async () => {
    const sp = await nodeSamlSp(t, SP);
    const b = new TestBrowser(t.app);
    const first = await b.get(pathOf(await sp.getAuthorizeUrlAsync('', undefined, {})));
    const continueUrl = decodeURIComponent(
      /return=([^&]+)/.exec(String(first.headers.location))![1]!,
    );
    assert.ok(postFormOf(await browse(b, first, user.loginId)));
    const again = await b.get(continueUrl);
    assert.equal(again.statusCode, 400);
    assert.equal(postFormOf(again), undefined);
    assert.equal((await b.get('/t/acme/saml/continue/' + 'x'.repeat(32))).statusCode, 400);
  });

  test('every issued Response is audited with the user and the SP', async () => {
    const events = await t.platform.audit.search(s.tenant.id, {
      action: 'saml.sso',
      result: 'success',
    });
    assert.ok(events.length >= 4);
    assert.ok(events.every((e) => e.actor_id === user.id && e.target_type === 'application'));
    assert.ok(events.some((e) => (e.details as { binding?: string }).binding === 'HTTP-POST'));
  });
});
