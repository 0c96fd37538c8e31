/**
 * Device certificates through the gateway (#5): the public CA and CRL URLs, and "Log in with
 * device certificate" with the certificate a trusted proxy forwards (URL-encoded PEM in
 * FORWARDED_CERT_HEADER). Real app, real device-cert service, CRL parsed by openssl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { hashPassword, type Tenant, type User } from '@sekisho/platform';
import {
  createDeviceCertService,
  type DeviceCertService,
  type LoginType,
} from '@sekisho/device-cert';
import { TestBrowser } from './support/browser.ts';
import { TEST_PASSWORD, seedTenant, startTestApp, type TestApp } from './support/test-app.ts';

const PROXY = '127.0.0.1';
const DEVICE = { os: 'macOS 15', deviceIdType: 'serial', deviceId: 'C02XYZ' };

function openssl(args: string[], file: Buffer | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-crl-test-'));
  try {
    writeFileSync(join(dir, 'in'), file);
    const r = spawnSync('openssl', [...args, '-in', 'in'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('device certificates in the gateway', () => {
  let t: TestApp;
  let tenant: Tenant;
  let certs: DeviceCertService;
  let n = 0;

  before(async () => {
    t = await startTestApp({ TRUSTED_PROXIES: PROXY, FORWARDED_CERT_HEADER: 'x-client-cert' });
    tenant = (await seedTenant(t.platform, 'acme')).tenant;
    certs = createDeviceCertService({ platform: t.platform });
  });
  after(() => t.close());

  async function userWithCert(
    loginType: LoginType,
  ): Promise<{ user: User; pem: string; id: string }> {
    n += 1;
    const loginId = `user${n}@acme.example`;
    const user = await t.platform.users.create(
      tenant.id,
      { loginId, displayName: loginId, email: loginId },
      await hashPassword(TEST_PASSWORD),
    );
    const cert = await certs.issue(tenant.id, { userId: user.id, device: DEVICE, loginType });
    return { user, pem: cert.certificatePem, id: cert.id };
  }

  const header = (pem: string) => ({ 'x-client-cert': encodeURIComponent(pem) });

  test('the CA certificate and the CRL are published (DER by default, PEM on request)', async () => {
    const ca = await t.app.inject({ url: '/t/acme/device-ca/ca.pem' });
    assert.equal(ca.statusCode, 200);
    assert.match(ca.body, /^-----BEGIN CERTIFICATE-----/);
    assert.match(new X509Certificate(ca.body).subject, /Sekisho device CA acme/);

    const der = await t.app.inject({ url: '/t/acme/device-ca/crl' });
    assert.equal(der.statusCode, 200);
    assert.equal(der.headers['content-type'], 'application/pkix-crl');
    const text = openssl(['crl', '-inform', 'DER', '-noout', '-text'], der.rawPayload);
    assert.match(text, /Next Update:/);
    assert.match(text, /Sekisho device CA acme/);

    const pem = await t.app.inject({ url: '/t/acme/device-ca/crl?format=pem' });
    assert.match(pem.body, /^-----BEGIN X509 CRL-----/);
    assert.match(openssl(['crl', '-noout', '-nextupdate'], pem.body), /nextUpdate=/);

    const none = await t.app.inject({ url: '/t/nope/device-ca/crl' });
    assert.equal(none.statusCode, 404);
  });

  test('a passwordless certificate signs the user in (amr hwk) and opens the portal', async () => {
    const { pem } = await userWithCert('passwordless');
    const b = new TestBrowser(t.app, { 'accept-language': 'en', ...header(pem) }, PROXY);
    const res = await b.get('/t/acme/login/certificate');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/t/acme/portal');
    const portal = await b.get('/t/acme/portal');
    assert.equal(portal.statusCode, 200);
  });

  test('a revoked certificate is refused with a page naming the revocation', async () => {
    const { pem, id } = await userWithCert('passwordless');
    await certs.revoke(tenant.id, id, 'keyCompromise');
    const b = new TestBrowser(t.app, { 'accept-language': 'en', ...header(pem) }, PROXY);
    const res = await b.get('/t/acme/login/certificate');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /not accepted: it has been revoked/);
    assert.equal((await b.get('/t/acme/portal')).statusCode, 303);
    const der = await t.app.inject({ url: '/t/acme/device-ca/crl' });
    const text = openssl(['crl', '-inform', 'DER', '-noout', '-text'], der.rawPayload);
    assert.match(text, /Key Compromise/);
  });

  test('the header from an untrusted peer is ignored: no certificate, the explanation page', async () => {
    const { pem } = await userWithCert('passwordless');
    const b = new TestBrowser(t.app, { 'accept-language': 'en', ...header(pem) }, '192.0.2.1');
    const res = await b.get('/t/acme/login/certificate');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /No device certificate was presented/);
  });

  test('a personal certificate leads to the password form, which then signs in', async () => {
    const { user, pem } = await userWithCert('personal');
    const b = new TestBrowser(t.app, { 'accept-language': 'en', ...header(pem) }, PROXY);
    const res = await b.get('/t/acme/login/certificate');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Device certificate recognised/);
    assert.match(res.body, /name="password"/);
    assert.ok(res.body.includes(`value="${user.loginId}"`));
    const done = await b.login('acme', user.loginId, TEST_PASSWORD);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/t/acme/portal');
  });

  test('a certificate of another tenant names an unknown issuer', async () => {
    const other = (await seedTenant(t.platform, 'other')).tenant;
    const u = await t.platform.users.create(other.id, {
      loginId: 'x@other.example',
      displayName: 'x',
    });
    const cert = await certs.issue(other.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'passwordless',
    });
    const b = new TestBrowser(
      t.app,
      { 'accept-language': 'en', ...header(cert.certificatePem) },
      PROXY,
    );
    const res = await b.get('/t/acme/login/certificate');
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /unknown issuer/);
  });
  test('one certificate signing in from two networks at once alerts the admins; with auto-suspend it is refused', async () => {
    const { pem, id } = await userWithCert('passwordless');
    const from = (ip: string, ua: string) =>
      new TestBrowser(
        t.app,
        { 'accept-language': 'en', 'user-agent': ua, 'x-forwarded-for': ip, ...header(pem) },
        PROXY,
      );
    const mailsBefore = t.outbox().length;
    const office = await from('203.0.113.9', 'Safari/Mac').get('/t/acme/login/certificate');
    assert.equal(office.statusCode, 303, 'the first use signs in');
    const home = await from('198.51.100.7', 'Chrome/Win').get('/t/acme/login/certificate');
    assert.equal(home.statusCode, 303, 'without auto-suspend the copy still signs in');
    const [alert] = await t.platform.audit.search(tenant.id, {
      action: 'device-cert.copy-suspected',
    });
    assert.ok(alert, 'the suspected copy is in the audit log');
    assert.ok(t.outbox().length > mailsBefore, 'the tenant admins were mailed');

    await certs.updateSettings(tenant.id, { autoSuspendCopies: true });
    const second = await userWithCert('passwordless');
    const as = (ip: string, ua: string) =>
      new TestBrowser(
        t.app,
        {
          'accept-language': 'en',
          'user-agent': ua,
          'x-forwarded-for': ip,
          ...header(second.pem),
        },
        PROXY,
      );
    assert.equal(
      (await as('203.0.113.9', 'Safari/Mac').get('/t/acme/login/certificate')).statusCode,
      303,
    );
    const copy = await as('198.51.100.7', 'Chrome/Win').get('/t/acme/login/certificate');
    assert.equal(copy.statusCode, 403);
    assert.match(copy.body, /suspended because it was used from two places at once/);
    const again = await as('203.0.113.9', 'Safari/Mac').get('/t/acme/login/certificate');
    assert.equal(again.statusCode, 403, 'the suspended certificate is refused everywhere');
    assert.equal((await certs.get(tenant.id, second.id))?.status, 'suspended');
    assert.notEqual((await certs.get(tenant.id, id))?.status, 'suspended');
  });
});
