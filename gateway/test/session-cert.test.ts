/**
 * The device certificate's login type travels with the session (#5): after "log in with
 * device certificate", an application reached later from the same browser is decided with
 * that login type, even when the request itself carries no certificate, so a policy with
 * `cert passwordless` terms admits it without a second factor. Real app, real device-cert
 * service; the certificate comes through a trusted proxy's header.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { createDeviceCertService } from '@sekisho/device-cert';
import { createLockService } from '@sekisho/lock-app';
import { TestBrowser } from './support/browser.ts';
import {
  TEST_PASSWORD,
  seedTenant,
  startTestApp,
  type SeededTenant,
  type TestApp,
} from './support/test-app.ts';
import {
  adminApi,
  csrfOf,
  newUser,
  policyGroup,
  secretOf,
  sessionAuth,
} from './support/factor-kit.ts';
import { authenticatorCode } from './support/lock-phone.ts';

const PROXY = '127.0.0.1';
const ACS = 'https://www.google.com/a/acme.example/acs';
const DEVICE = { os: 'macOS 15', deviceIdType: 'serial', deviceId: 'C02XYZ' };

function googleAuthnRequest(): string {
  const xml = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_${Math.random().toString(36).slice(2)}" Version="2.0" IssueInstant="${new Date().toISOString()}" AssertionConsumerServiceURL="${ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">google.com</saml:Issuer></samlp:AuthnRequest>`;
  return encodeURIComponent(deflateRawSync(Buffer.from(xml)).toString('base64'));
}

describe('the certificate login type in the session', () => {
  let t: TestApp;
  let s: SeededTenant;

  before(async () => {
    t = await startTestApp({
      PUBLIC_URL: 'https://sekisho.test',
      TRUSTED_PROXIES: PROXY,
      FORWARDED_CERT_HEADER: 'x-client-cert',
    });
    s = await seedTenant(t.platform, 'acme');
    await policyGroup(t, s, {
      name: 'devices',
      isDefault: true,
      allowCondition: 'cert',
      skipSecondFactorCondition: 'cert passwordless',
      factors: ['totp'],
    });
    const app = await adminApi(t, s)('POST', '/applications', {
      kind: 'saml',
      name: 'Google Workspace',
      preset: 'google-workspace',
      presetInput: { domain: 'acme.example' },
    });
    assert.equal(app.statusCode, 201, app.body);
  });
  after(() => t.close());

  test('an application reached without the certificate still sees the passwordless login type of the sign-in', async () => {
    const user = await newUser(t, s);
    // The user has a factor, so the skip condition decides (no enrolment is demanded).
    const lock = createLockService({ platform: t.platform });
    const { secret } = await lock.beginTotpSetup(s.tenant.id, user.id);
    assert.ok(
      await lock.confirmTotpSetup(s.tenant.id, user.id, authenticatorCode(secret, Date.now())),
    );
    const cert = await createDeviceCertService({ platform: t.platform }).issue(s.tenant.id, {
      userId: user.id,
      device: DEVICE,
      loginType: 'passwordless',
    });
    const withCert = new TestBrowser(
      t.app,
      { 'x-client-cert': encodeURIComponent(cert.certificatePem) },
      PROXY,
    );
    const signIn = await withCert.get('/t/acme/login/certificate');
    assert.equal(signIn.headers.location, '/t/acme/portal');
    assert.deepEqual(sessionAuth(t, withCert)?.deviceCert, { loginType: 'passwordless' });

    // Later requests of the same browser carry no certificate (e.g. another proxy path).
    const later = new TestBrowser(t.app, {}, PROXY);
    for (const c of withCert.cookieHeader.split('; ')) later.setCookie(c);
    let res = await later.get(`/t/acme/saml/sso?SAMLRequest=${googleAuthnRequest()}`);
    for (let hop = 0; res.statusCode === 303 && hop < 5; hop++)
      res = await later.get(String(res.headers.location));
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /name="SAMLResponse"/);
    const [event] = await t.platform.audit.search(s.tenant.id, { action: 'sso.access' });
    assert.equal(event?.result, 'allow');
    assert.equal(event?.reason, 'second-factor-skipped');
  });

  test('a password sign-in with a verified certificate of the same user keeps its login type', async () => {
    const user = await newUser(t, s);
    const cert = await createDeviceCertService({ platform: t.platform }).issue(s.tenant.id, {
      userId: user.id,
      device: DEVICE,
      loginType: 'personal',
    });
    const b = new TestBrowser(
      t.app,
      { 'accept-language': 'en', 'x-client-cert': encodeURIComponent(cert.certificatePem) },
      PROXY,
    );
    // `cert passwordless` does not hold for a personal certificate: a second factor is asked.
    const res = await b.login('acme', user.loginId, TEST_PASSWORD);
    assert.equal(res.headers.location, '/t/acme/login/factor');
    const page = await b.get('/t/acme/login/factor');
    assert.match(page.body, /Set up an authenticator app/);
    const setup = await b.post('/t/acme/login/factor/totp/setup', { _csrf: csrfOf(page.body) });
    const done = await b.post('/t/acme/login/factor/totp/confirm', {
      _csrf: csrfOf(setup.body),
      code: authenticatorCode(secretOf(setup.body), Date.now()),
    });
    assert.equal(done.headers.location, '/t/acme/portal');
    const auth = sessionAuth(t, b);
    assert.deepEqual(auth?.deviceCert, { loginType: 'personal' });
    assert.deepEqual(auth?.amr, ['pwd', 'otp', 'mfa']);
  });
});
