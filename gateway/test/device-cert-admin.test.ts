/**
 * The device-certificate admin API (#5) as an admin relies on it: issuance (by user id or
 * login ID, from a CSR), the contracted count (refused whole, also with two admins issuing at
 * once over real HTTP), revocation (one, all of a user's) that the verifier then denies, the
 * one-time download link (password once, wrong password refused, count enforced, both
 * encryptions opened by openssl), who may do what, and the audit trail. Real app on a real
 * PostgreSQL, real openssl.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from '@sekisho/platform';
import { createDeviceCertService, type DeviceCertService } from '@sekisho/device-cert';
import { deviceCertAdminKit, openssl } from './support/device-cert-admin-kit.ts';
import { startTestApp, type SeededTenant, type TestApp } from './support/test-app.ts';

interface ApiCert {
  id: string;
  userId: string;
  serial: string;
  status: string;
  displayStatus: string;
  loginType: string;
  hasServerKey: boolean;
  certificatePem: string;
  device: { os: string; deviceIdType: string; deviceId: string; description: string };
}
interface CreatedDownload {
  token: string;
  password: string;
  url: string;
  expiresAt: string;
  downloadsLeft: number;
}

const DEVICE = {
  os: 'Windows 11',
  deviceIdType: 'serial',
  deviceId: 'PF3ABC',
  description: 'Laptop',
};

/** A fresh RSA key and a CSR for it, made by openssl. */
function makeCsr(): string {
  const r = openssl(
    [
      ...['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem'],
      ...['-subj', '/CN=mdm-device', '-out', 'csr.pem'],
    ],
    undefined,
    'csr.pem',
  );
  assert.equal(r.status, 0, r.out);
  return r.file;
}

describe('device-certificate admin API', () => {
  let t: TestApp;
  let certs: DeviceCertService;

  before(async () => {
    t = await startTestApp();
    certs = createDeviceCertService({ platform: t.platform });
  });
  after(() => t.close());

  const kit = deviceCertAdminKit(() => t, 'dca');
  const { call, addUser, base } = kit;
  const assertProblem = kit.problem;
  const seed = (maxDeviceCerts = 10) => kit.seed(maxDeviceCerts);

  async function issue(s: SeededTenant, user: User, token = s.token, extra = {}): Promise<ApiCert> {
    const res = await call('POST', base(s), token, {
      loginId: user.loginId,
      device: DEVICE,
      loginType: 'personal',
      ...extra,
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json<ApiCert>();
  }

  async function roleToken(s: SeededTenant, role: string): Promise<string> {
    return (await t.platform.tokens.create({ tenantId: s.tenant.id, name: role, role })).token;
  }

  /** Audit events of the tenant whose action starts with `prefix`. */
  async function auditActions(s: SeededTenant, prefix: string) {
    return (await t.platform.audit.search(s.tenant.id, { action: 'device-cert.', limit: 1000 }))
      .filter((e) => e.action.startsWith(prefix))
      .map((e) => ({
        action: e.action,
        target: e.target_id,
        result: e.result,
        details: e.details,
      }));
  }

  it('issues a certificate to a user named by login ID or id, readable and audited', async () => {
    const s = await seed();
    const user = await addUser(s, 'alice');
    const cert = await issue(s, user);
    assert.equal(cert.userId, user.id);
    assert.equal(cert.status, 'not_downloaded');
    assert.equal(cert.loginType, 'personal');
    assert.equal(cert.hasServerKey, true);
    assert.deepEqual(cert.device, DEVICE);
    assert.match(cert.certificatePem, /^-----BEGIN CERTIFICATE-----/);

    const byId = await call('POST', base(s), s.token, {
      userId: user.id,
      device: { ...DEVICE, deviceId: 'OTHER' },
      loginType: 'passwordless',
    });
    assert.equal(byId.statusCode, 201, byId.body);

    const read = await call('GET', `${base(s)}/${cert.id}`, s.token);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json<ApiCert>().serial, cert.serial);

    const audit = await auditActions(s, 'device-cert.issue');
    assert.ok(audit.some((e) => e.target === cert.id && e.result === 'success'));
  });

  it('names every bad field and refuses both or neither of userId and loginId', async () => {
    const s = await seed();
    const user = await addUser(s, 'bob');
    const bad = await call('POST', base(s), s.token, {
      loginId: user.loginId,
      device: { os: '', deviceIdType: 'serial' },
      loginType: 'admin',
    });
    const p = assertProblem(bad, 400, 'ERR_VALIDATION');
    const fields = (p.problems ?? []).map((x) => x.field).join(' ');
    assert.match(fields, /device/);
    const both = await call('POST', base(s), s.token, {
      userId: user.id,
      loginId: user.loginId,
      device: DEVICE,
      loginType: 'personal',
    });
    assertProblem(both, 400, 'ERR_VALIDATION');
    const unknown = await call('POST', base(s), s.token, {
      loginId: 'nobody@example.com',
      device: DEVICE,
      loginType: 'personal',
    });
    assertProblem(unknown, 404, 'ERR_USER_NOT_FOUND');
  });

  it('refuses an issuance beyond the contracted count whole, with a clear problem, changing nothing', async () => {
    const s = await seed(2);
    const user = await addUser(s, 'carol');
    await issue(s, user);
    await issue(s, user);
    const res = await call('POST', base(s), s.token, {
      loginId: user.loginId,
      device: DEVICE,
      loginType: 'personal',
    });
    const p = assertProblem(res, 409, 'ERR_DEVICE_CERT_LIMIT');
    assert.match(p.detail, /contracted device-certificate count/);
    const list = await call('GET', base(s), s.token);
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json<{ certificates: ApiCert[] }>().certificates.length, 2);
    assert.equal((await auditActions(s, 'device-cert.issue')).length, 2);
  });

  it('two admins issuing at once over HTTP never exceed the contracted count', async () => {
    const s = await seed(5);
    const user = await addUser(s, 'dave');
    const second = await roleToken(s, 'device_cert_admin');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const post = (token: string, i: number) =>
        fetch(`${address}${base(s)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            loginId: user.loginId,
            device: { ...DEVICE, deviceId: `D${i}` },
            loginType: 'shared',
          }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { title?: string } }));
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => post(i % 2 ? second : s.token, i)),
      );
      const codes = results.map((r) => r.status);
      assert.equal(codes.filter((c) => c === 201).length, 5, codes.join(','));
      assert.equal(codes.filter((c) => c === 409).length, 7, codes.join(','));
      for (const r of results.filter((x) => x.status === 409))
        assert.equal(r.body.title, 'ERR_DEVICE_CERT_LIMIT');
    } finally {
      await t.app.server.close();
    }
    const list = await call('GET', base(s), s.token);
    assert.equal(list.json<{ certificates: ApiCert[] }>().certificates.length, 5);
  });

  it('a read-only admin reads but cannot issue, revoke or create downloads', async () => {
    const s = await seed();
    const user = await addUser(s, 'erin');
    const cert = await issue(s, user);
    const ro = await roleToken(s, 'read_only_admin');
    assert.equal((await call('GET', `${base(s)}/${cert.id}`, ro)).statusCode, 200);
    assert.equal((await call('GET', base(s), ro)).statusCode, 200);
    const body = { loginId: user.loginId, device: DEVICE, loginType: 'personal' };
    assertProblem(await call('POST', base(s), ro, body), 403, 'ERR_FORBIDDEN');
    assertProblem(await call('POST', `${base(s)}/${cert.id}/revoke`, ro, {}), 403, 'ERR_FORBIDDEN');
    assertProblem(
      await call('POST', `${base(s)}/${cert.id}/downloads`, ro, {}),
      403,
      'ERR_FORBIDDEN',
    );
    const transfers = await roleToken(s, 'transfer_admin');
    assertProblem(await call('GET', base(s), transfers), 403, 'ERR_FORBIDDEN');
    const other = await seed();
    assertProblem(await call('GET', `${base(s)}/${cert.id}`, other.token), 403, 'ERR_FORBIDDEN');
    assert.equal(
      (await t.platform.audit.search(s.tenant.id, { action: 'device-cert.revoke' })).length,
      0,
    );
  });

  it('a download link: password once, wrong password refused, count enforced, both encryptions open', async () => {
    const s = await seed();
    const user = await addUser(s, 'frank');
    const cert = await issue(s, user);
    const res = await call('POST', `${base(s)}/${cert.id}/downloads`, s.token, {
      limit: 2,
      hours: 1,
    });
    assert.equal(res.statusCode, 201, res.body);
    const dl = res.json<CreatedDownload>();
    assert.equal(dl.downloadsLeft, 2);
    assert.ok(dl.password.length >= 12);
    const page = new URL(dl.url);
    assert.equal(page.pathname, `/t/${s.tenant.slug}/device-certificates/download`);
    assert.equal(page.searchParams.get('token'), dl.token);

    // The password is in no audit row and not on the download page.
    const audit = await auditActions(s, 'device-cert.download-create');
    assert.equal(audit.length, 1);
    assert.ok(!JSON.stringify(audit).includes(dl.password));
    const form = await t.app.inject({
      url: `${page.pathname}${page.search}`,
      headers: { 'accept-language': 'en' },
    });
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /name="password"/);
    assert.ok(!form.body.includes(dl.password));

    const redeem = (password: string, encryption: string) =>
      t.app.inject({
        method: 'POST',
        url: page.pathname,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
        payload: new URLSearchParams({ token: dl.token, password, encryption }).toString(),
      });
    const wrong = await redeem('WrongPassword99', 'modern');
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.body, /one-time password is wrong/);

    const modern = await redeem(dl.password, 'modern');
    assert.equal(modern.statusCode, 200, modern.body);
    assert.equal(modern.headers['content-type'], 'application/x-pkcs12');
    assert.match(String(modern.headers['content-disposition']), /attachment; filename=".+\.p12"/);
    const info = openssl(
      ['pkcs12', '-info', '-nokeys', '-in', 'in', '-passin', `pass:${dl.password}`],
      modern.rawPayload,
    );
    assert.equal(info.status, 0, info.out);
    assert.match(info.out, /AES-256-CBC/);
    assert.match(info.out, /PBKDF2/);
    assert.match(info.out, /-----BEGIN CERTIFICATE-----/);

    // The wrong password consumed nothing: the second correct download still works.
    const legacy = await redeem(dl.password, 'legacy');
    assert.equal(legacy.statusCode, 200, legacy.body);
    const args = ['pkcs12', '-info', '-nokeys', '-in', 'in', '-passin', `pass:${dl.password}`];
    let old = openssl(args, legacy.rawPayload);
    if (old.status !== 0) old = openssl([...args, '-legacy'], legacy.rawPayload);
    assert.equal(old.status, 0, old.out);
    assert.match(old.out, /3-KeyTripleDES-CBC|DES-EDE3/);
    assert.match(old.out, /MAC: sha1/i);

    const third = await redeem(dl.password, 'modern');
    assert.equal(third.statusCode, 403);
    const after = await call('GET', `${base(s)}/${cert.id}`, s.token);
    assert.equal(after.json<ApiCert>().status, 'downloaded');
    const results = await auditActions(s, 'device-cert.download');
    assert.equal(
      results.filter((e) => e.action === 'device-cert.download' && e.result === 'success').length,
      2,
    );
    assert.equal(
      results.filter((e) => e.action === 'device-cert.download' && e.result === 'failure').length,
      2,
    );
  });

  it('revokes one certificate and all of a user: the verifier then denies them, the CRL lists them', async () => {
    const s = await seed();
    const user = await addUser(s, 'grace');
    const one = await issue(s, user);
    assert.equal((await certs.verifyClientCertificate(s.tenant.id, one.certificatePem)).ok, true);
    const res = await call('POST', `${base(s)}/${one.id}/revoke`, s.token, {
      reason: 'keyCompromise',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<ApiCert>().status, 'revoked');
    const denied = await certs.verifyClientCertificate(s.tenant.id, one.certificatePem);
    assert.equal(denied.ok, false);
    assert.equal(!denied.ok && denied.reason, 'revoked');
    assertProblem(
      await call('POST', `${base(s)}/${one.id}/revoke`, s.token, { reason: 'stolen' }),
      400,
      'ERR_VALIDATION',
    );

    const a = await issue(s, user);
    const b = await issue(s, user);
    const other = await issue(s, await addUser(s, 'heidi'));
    const all = await call('POST', `${base(s)}/users/${user.id}/revoke-all`, s.token, {});
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(all.json(), { revoked: 2 });
    for (const c of [a, b]) {
      const v = await certs.verifyClientCertificate(s.tenant.id, c.certificatePem);
      assert.equal(!v.ok && v.reason, 'revoked');
    }
    assert.equal((await certs.verifyClientCertificate(s.tenant.id, other.certificatePem)).ok, true);
    const crl = await t.app.inject({ url: `/t/${s.tenant.slug}/device-ca/crl?format=pem` });
    const text = openssl(['crl', '-noout', '-text', '-in', 'in'], crl.body).out;
    for (const c of [one, a, b])
      assert.match(text, new RegExp(`Serial Number: 0*${c.serial}`, 'i'));
    assert.doesNotMatch(text, new RegExp(`Serial Number: 0*${other.serial}\\b`, 'i'));
    const audit = await auditActions(s, 'device-cert.revoke');
    assert.ok(audit.some((e) => e.action === 'device-cert.revoke' && e.target === one.id));
    assert.ok(audit.some((e) => e.action === 'device-cert.revoke-user' && e.target === user.id));
  });

  it('issues from a CSR: the device keeps its key, so no download link can be made', async () => {
    const s = await seed();
    const user = await addUser(s, 'ivan');
    const res = await call('POST', `${base(s)}/csr`, s.token, {
      userId: user.id,
      device: DEVICE,
      loginType: 'passwordless',
      csrPem: makeCsr(),
    });
    assert.equal(res.statusCode, 201, res.body);
    const cert = res.json<ApiCert>();
    assert.equal(cert.hasServerKey, false);
    assert.equal((await certs.verifyClientCertificate(s.tenant.id, cert.certificatePem)).ok, true);
    const dl = await call('POST', `${base(s)}/${cert.id}/downloads`, s.token, {});
    assert.equal(dl.statusCode, 409, dl.body);
    const bad = await call('POST', `${base(s)}/csr`, s.token, {
      userId: user.id,
      device: DEVICE,
      loginType: 'passwordless',
      csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----',
    });
    const p = assertProblem(bad, 400, 'ERR_VALIDATION');
    assert.ok(p.problems?.some((x) => x.field === 'csrPem'));
  });
});
