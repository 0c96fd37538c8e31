import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEVICE, startHarness, type Harness } from './support.ts';

const SAFARI = 'Mozilla/5.0 (Macintosh) Safari/605.1.15';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0) Chrome/140.0';

describe('copy detection', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const setup = async (slug: string, max = 10) => {
    const t = await h.tenant(slug, max);
    const u = await h.user(t, `user@${slug}.example`);
    const cert = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    return { t, u, cert };
  };
  const alerts = async (tenantId: string) =>
    h.platform.audit.search(tenantId, { action: 'device-cert.copy-suspected' });

  test('the same device signing in again, in one or in a new session, is no copy', async () => {
    const { t, cert } = await setup('copy-same');
    const use = { ip: '203.0.113.10', userAgent: SAFARI, sessionId: 's1' };
    assert.deepEqual(await h.certs.recordUse(t.id, cert.id, use), { copySuspected: false });
    assert.deepEqual(await h.certs.recordUse(t.id, cert.id, use), { copySuspected: false });
    const newSession = { ...use, ip: '203.0.113.77', sessionId: 's2' }; // same /24
    assert.deepEqual(await h.certs.recordUse(t.id, cert.id, newSession), { copySuspected: false });
    const v6a = { ip: '2001:db8:1:2::1', userAgent: SAFARI, sessionId: 's3' };
    const v6b = { ip: '2001:db8:1:2:ffff::5', userAgent: SAFARI, sessionId: 's4' };
    const { cert: c6 } = await setup('copy-same-v6');
    assert.equal((await h.certs.recordUse(c6.tenantId, c6.id, v6a)).copySuspected, false);
    assert.equal((await h.certs.recordUse(c6.tenantId, c6.id, v6b)).copySuspected, false);
    assert.equal((await alerts(t.id)).length, 0);
    const rec = (await h.certs.get(t.id, cert.id))!;
    assert.equal(rec.lastUsedIp, '203.0.113.77');
  });

  test('another network in an overlapping session raises one alert a day: audit and a mail per admin in their language', async () => {
    const { t, u, cert } = await setup('copy-alert');
    await h.admin(t, 'admin-ja@copy-alert.example', 'ja');
    await h.admin(t, 'admin-en@copy-alert.example', 'en');
    const before = (await h.outbox()).length;
    await h.certs.recordUse(t.id, cert.id, {
      ip: '198.51.100.5',
      userAgent: SAFARI,
      sessionId: 'a',
    });
    const second = { ip: '192.0.2.99', userAgent: SAFARI, sessionId: 'b' };
    assert.deepEqual(await h.certs.recordUse(t.id, cert.id, second), { copySuspected: true });
    assert.deepEqual(await h.certs.recordUse(t.id, cert.id, { ...second, sessionId: 'c' }), {
      copySuspected: true,
    });
    const events = await alerts(t.id);
    assert.equal(events.length, 1, 'alerted once');
    assert.equal(events[0]!.target_id, cert.id);
    const mails = (await h.outbox()).slice(before);
    assert.equal(mails.length, 2);
    const ja = mails.find((m) => m.to === 'admin-ja@copy-alert.example')!;
    const en = mails.find((m) => m.to === 'admin-en@copy-alert.example')!;
    assert.equal(ja.subject, 'デバイス証明書が複製された可能性があります');
    assert.equal(en.subject, 'A device certificate may have been copied');
    assert.match(en.text, new RegExp(u.loginId));
    assert.match(en.text, /198\.51\.100\.5/);
    assert.match(en.text, /192\.0\.2\.99/);
    assert.match(en.text, /still works/);
    assert.ok(
      (await h.certs.verifyClientCertificate(t.id, cert.certificatePem)).ok,
      'not suspended',
    );
    // The next day a copy still in use alerts again.
    h.clock.advance(86_400_000 + 1000);
    await h.certs.recordUse(t.id, cert.id, {
      ip: '198.51.100.5',
      userAgent: SAFARI,
      sessionId: 'd',
    });
    await h.certs.recordUse(t.id, cert.id, { ip: '192.0.2.99', userAgent: SAFARI, sessionId: 'e' });
    assert.equal((await alerts(t.id)).length, 2);
    h.clock.set(new Date());
  });

  test('a different browser on the same network is suspected too; uses outside the idle window are not', async () => {
    const { t, cert } = await setup('copy-ua');
    await h.certs.recordUse(t.id, cert.id, {
      ip: '203.0.113.1',
      userAgent: SAFARI,
      sessionId: 'x',
    });
    h.clock.advance(13 * 3_600_000);
    const later = { ip: '198.51.100.1', userAgent: CHROME, sessionId: 'y' };
    assert.equal((await h.certs.recordUse(t.id, cert.id, later)).copySuspected, false);
    const browser = { ip: '198.51.100.2', userAgent: SAFARI, sessionId: 'z' };
    assert.equal((await h.certs.recordUse(t.id, cert.id, browser)).copySuspected, true);
    h.clock.set(new Date());
  });

  test('with automatic suspension on, a copied certificate is suspended and denied, and stops counting', async () => {
    const { t, u, cert } = await setup('copy-suspend', 1);
    await h.admin(t, 'admin@copy-suspend.example');
    await h.certs.updateSettings(t.id, { autoSuspendCopies: true });
    await h.certs.recordUse(t.id, cert.id, {
      ip: '203.0.113.1',
      userAgent: SAFARI,
      sessionId: '1',
    });
    const copy = { ip: '2001:db8::1', userAgent: CHROME, sessionId: '2' };
    assert.deepEqual(await h.certs.recordUse(t.id, cert.id, copy), { copySuspected: true });
    const rec = (await h.certs.get(t.id, cert.id))!;
    assert.equal(rec.status, 'suspended');
    assert.equal(rec.displayStatus, 'suspended');
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, cert.certificatePem), {
      ok: false,
      reason: 'suspended',
    });
    const suspended = await h.platform.audit.search(t.id, { action: 'device-cert.suspended' });
    assert.equal(suspended.length, 1);
    const mail = (await h.outbox()).find((m) => m.to === 'admin@copy-suspend.example')!;
    assert.match(mail.text, /一時停止されました/, 'the tenant default language is Japanese');
    await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
  });

  test('uses recorded at once on two nodes see each other', async () => {
    const { t, cert } = await setup('copy-race');
    const results = await Promise.all([
      h.certs.recordUse(t.id, cert.id, { ip: '203.0.113.1', userAgent: SAFARI, sessionId: 'p' }),
      h.certs.recordUse(t.id, cert.id, { ip: '198.51.100.1', userAgent: SAFARI, sessionId: 'q' }),
    ]);
    assert.equal(results.filter((r) => r.copySuspected).length, 1);
  });

  test('refuses bad input and unknown certificates, changing nothing', async () => {
    const { t, cert } = await setup('copy-bad');
    await assert.rejects(
      h.certs.recordUse(t.id, cert.id, { ip: 'not-an-ip', userAgent: SAFARI, sessionId: '' }),
      (e: { code?: string; message?: string }) =>
        e.code === 'ERR_VALIDATION' && /ip.*sessionId/.test(e.message ?? ''),
    );
    const use = { ip: '203.0.113.1', userAgent: SAFARI, sessionId: 's' };
    await assert.rejects(h.certs.recordUse(t.id, 'nope', use), { code: 'ERR_NOT_FOUND' });
    await assert.rejects(h.certs.recordUse(t.id, 'ext:zz', use), { code: 'ERR_NOT_FOUND' });
    const other = await h.tenant('copy-bad-other');
    await assert.rejects(h.certs.recordUse(other.id, cert.id, use), { code: 'ERR_NOT_FOUND' });
    assert.equal((await h.certs.get(t.id, cert.id))!.lastUsedAt, null);
  });
});
