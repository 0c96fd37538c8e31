/**
 * The user portal's device-certificate page (#5): a signed-in user sees only their own
 * certificates, creates a download link for one (CSRF-protected), sees its one-time password
 * once, downloads the PKCS#12 that openssl opens with it, and cannot download again from the
 * portal afterwards. In Japanese and English. Real app, real PostgreSQL, real openssl.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashPassword, type Tenant, type User } from '@sekisho/platform';
import { createDeviceCertService, type DeviceCertService } from '@sekisho/device-cert';
import { TestBrowser } from './support/browser.ts';
import { TEST_PASSWORD, seedTenant, startTestApp, type TestApp } from './support/test-app.ts';

function pkcs12Info(file: Buffer, password: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sekisho-dc-portal-'));
  try {
    writeFileSync(join(dir, 'in.p12'), file);
    const args = ['pkcs12', '-info', '-nokeys', '-in', 'in.p12', '-passin', `pass:${password}`];
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The values of the download form: token and (prefilled) password. */
function downloadForm(body: string): { token: string; password: string } {
  const token = /name="token" value="([^"]+)"/.exec(body)?.[1];
  const password = /name="password"[^>]*value="([^"]+)"/.exec(body)?.[1];
  assert.ok(token && password, 'the page carries the download form');
  return { token, password };
}

describe('device certificates in the user portal', () => {
  let t: TestApp;
  let certs: DeviceCertService;
  let tenant: Tenant;
  let n = 0;

  before(async () => {
    t = await startTestApp();
    certs = createDeviceCertService({ platform: t.platform });
    tenant = (await seedTenant(t.platform, 'portal-dc')).tenant;
  });
  after(() => t.close());

  async function userWithCerts(count: number): Promise<{ user: User; ids: string[] }> {
    n += 1;
    const loginId = `user${n}@portal.example`;
    const user = await t.platform.users.create(
      tenant.id,
      { loginId, displayName: `User ${n}`, email: loginId },
      await hashPassword(TEST_PASSWORD),
    );
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const cert = await certs.issue(tenant.id, {
        userId: user.id,
        device: {
          os: 'iOS 18',
          deviceIdType: 'udid',
          deviceId: `U${n}-${i}`,
          description: `Phone ${n}-${i}`,
        },
        loginType: 'personal',
      });
      ids.push(cert.id);
    }
    return { user, ids };
  }

  async function signedIn(user: User, lang = 'en'): Promise<TestBrowser> {
    const b = new TestBrowser(t.app, { 'accept-language': lang });
    const res = await b.login(tenant.slug, user.loginId, TEST_PASSWORD);
    assert.equal(res.statusCode, 303, res.body);
    return b;
  }

  const page = `/t/portal-dc/portal/device-certificates`;

  it('sends a visitor who is not signed in to the login page and back', async () => {
    const res = await new TestBrowser(t.app).get(page);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/t/portal-dc/login?return=${encodeURIComponent(page)}`);
  });

  it("lists only the user's own certificates with status, device and validity", async () => {
    const { user } = await userWithCerts(2);
    await userWithCerts(1);
    const b = await signedIn(user);
    const res = await b.get(page);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h1>My device certificates<\/h1>/);
    assert.match(res.body, new RegExp(`Phone ${n - 1}-0`));
    assert.match(res.body, new RegExp(`Phone ${n - 1}-1`));
    assert.doesNotMatch(res.body, new RegExp(`Phone ${n}-0`));
    assert.match(res.body, /Not downloaded yet/);
    assert.match(res.body, /iOS 18 \(udid: U/);
    assert.equal((res.body.match(/Download to install/g) ?? []).length, 2);
    const ja = await b.get(`${page}?lang=ja`);
    assert.match(ja.body, /<h1>デバイス証明書<\/h1>/);
    assert.match(ja.body, /未ダウンロード/);
  });

  it('creates a link, shows the password once, downloads a file that opens, then offers no more', async () => {
    const { user, ids } = await userWithCerts(1);
    const id = ids[0] ?? '';
    const b = await signedIn(user);
    const csrf = await b.csrfFrom(page);

    const noCsrf = await b.post(`${page}/${id}/download`, {});
    assert.equal(noCsrf.statusCode, 403);

    const created = await b.post(`${page}/${id}/download`, { _csrf: csrf });
    assert.equal(created.statusCode, 200, created.body);
    assert.equal(created.headers['cache-control'], 'no-store');
    assert.match(created.body, /shown below only this once/);
    const form = downloadForm(created.body);
    const again = await b.get(page);
    assert.ok(!again.body.includes(form.password), 'the password is not shown a second time');

    const wrong = await b.post('/t/portal-dc/device-certificates/download', {
      token: form.token,
      password: 'not-the-password',
      encryption: 'modern',
    });
    assert.equal(wrong.statusCode, 403);

    const file = await b.post('/t/portal-dc/device-certificates/download', {
      token: form.token,
      password: form.password,
      encryption: 'modern',
    });
    assert.equal(file.statusCode, 200, file.body);
    assert.equal(file.headers['content-type'], 'application/x-pkcs12');
    const info = pkcs12Info(file.rawPayload, form.password);
    assert.equal(info.status, 0, info.out);
    assert.match(info.out, /AES-256-CBC/);

    const after = await b.get(page);
    assert.match(after.body, /Downloaded/);
    assert.doesNotMatch(after.body, /Download to install/);
    assert.match(after.body, /ask your administrator for a new download link/);
    const refused = await b.post(`${page}/${id}/download`, { _csrf: csrf });
    assert.equal(refused.statusCode, 409);

    const audit = await t.platform.audit.search(tenant.id, {
      action: 'device-cert.download-create',
    });
    const mine = audit.find((e) => e.target_id === id);
    assert.equal(mine?.actor_type, 'user');
    assert.equal(mine?.actor_id, user.id);
  });

  it("refuses another user's certificate as not found", async () => {
    const { ids } = await userWithCerts(1);
    const { user } = await userWithCerts(0);
    const b = await signedIn(user);
    const empty = await b.get(page);
    assert.match(empty.body, /No device certificate has been issued to you/);
    const csrf = await b.csrfFrom('/t/portal-dc/portal');
    const res = await b.post(`${page}/${ids[0]}/download`, { _csrf: csrf });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /not found/);
    const bogus = await b.post(`${page}/not-a-uuid/download`, { _csrf: csrf });
    assert.equal(bogus.statusCode, 404);
  });
});
