/**
 * How the AuthnRequest's options and the session shape the sign-in: IsPassive never shows a
 * login page (NoPassive without a session), ForceAuthn makes a signed-in user sign in again,
 * and the AuthnContextClassRef is the SP's MFA class when the session's amr holds `mfa`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SamlConfig } from '@node-saml/node-saml';
import { createIdpServices } from '@sekisho/idp';
import { TestBrowser } from '../../gateway/test/support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from '../../gateway/test/support/test-app.ts';
import { issueResponse } from '../src/saml/issue-response.ts';
import { browse, nodeSamlSp, pathOf, postFormOf, registerSp } from './support/saml-sp.ts';

const SP = 'https://ctx.test';
const MFA = 'http://schemas.microsoft.com/claims/multipleauthn';

describe('SAML authentication options', () => {
  let t: TestApp;
  let s: SeededTenant;
  const request = async (b: TestBrowser, options: Partial<SamlConfig>) => {
    const sp = await nodeSamlSp(t, SP, { identifierFormat: null, ...options });
    return { sp, res: await b.get(pathOf(await sp.getAuthorizeUrlAsync('rs', undefined, {}))) };
  };
  before(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://sekisho.test' });
    s = await seedTenant(t.platform, 'acme');
    await registerSp(t, s.tenant.id, 'Ctx', {
      entityId: SP,
      acs: [{ url: `${SP}/acs` }],
      authnContextMfa: MFA,
    });
  });
  after(() => t.close());

  test('IsPassive without a session answers NoPassive to the ACS, never a login page', async () => {
    const { sp, res } = await request(new TestBrowser(t.app), { passive: true });
    const form = postFormOf(res);
    assert.ok(form, 'an error Response is posted');
    assert.equal(form.fields.RelayState, 'rs');
    const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString();
    assert.match(
      xml,
      /status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:NoPassive"/,
    );
    assert.doesNotMatch(xml, /Assertion/);
    // node-saml answers a validly signed NoPassive with "no user" rather than an error.
    assert.deepEqual(await sp.validatePostResponseAsync(form.fields), {
      profile: null,
      loggedOut: false,
    });
  });

  test('IsPassive with a session signs in silently', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const { sp, res } = await request(b, { passive: true });
    const { profile } = await sp.validatePostResponseAsync(postFormOf(res)!.fields);
    assert.equal(profile?.nameID, s.admin.email);
  });

  test('ForceAuthn ends the existing session and asks for the password again', async () => {
    const b = new TestBrowser(t.app);
    await b.login('acme', s.admin.loginId, TEST_PASSWORD);
    const before = Date.now();
    const { sp, res } = await request(b, { forceAuthn: true });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/t\/acme\/login\?return=/);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 303, 'the old session is gone');
    const form = postFormOf(await browse(b, res, s.admin.loginId));
    assert.ok(form);
    const { profile } = await sp.validatePostResponseAsync(form.fields);
    const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString();
    const authnInstant = Date.parse(/AuthnInstant="([^"]+)"/.exec(xml)![1]!);
    assert.ok(authnInstant >= Math.floor(before / 1000) * 1000, 'authenticated after the request');
    assert.equal(profile?.nameID, s.admin.email);
  });

  test('the AuthnContextClassRef is PasswordProtectedTransport, or the MFA class when amr has mfa', async () => {
    const services = createIdpServices(t.platform);
    const sp = (await services.apps.list(s.tenant.id, 'saml'))[0]!;
    const pending = {
      tenantId: s.tenant.id,
      appId: sp.id,
      acsUrl: `${SP}/acs`,
      forceAuthn: false,
      isPassive: false,
      receivedAt: Date.now(),
      binding: 'idp-initiated' as const,
    };
    const auth = {
      sid: 'sid-1',
      tenantId: s.tenant.id,
      userId: s.admin.id,
      issuedAt: Date.now(),
      lastSeen: Date.now(),
      mustChangePassword: false,
    };
    const classOf = async (amr: string[]) => {
      const { xml } = await issueResponse(services, 'acme', sp as never, pending, {
        auth: { ...auth, amr },
        user: s.admin,
      });
      return /<saml:AuthnContextClassRef>([^<]+)</.exec(xml)![1];
    };
    assert.equal(
      await classOf(['pwd']),
      'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    );
    assert.equal(await classOf(['pwd', 'otp', 'mfa']), MFA);
  });
});
