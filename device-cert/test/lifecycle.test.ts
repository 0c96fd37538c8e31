import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { isSekishoError } from '@sekisho/platform';
import { DEVICE, openssl, startHarness, type Harness } from './support.ts';

const DAY = 86_400_000;

describe('device certificate lifecycle', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('lists certificates with the status an admin sees, filterable, expiry from the clock', async () => {
    const t = await h.tenant('life-list');
    const alice = await h.user(t, 'alice@life-list.example');
    const bob = await h.user(t, 'bob@life-list.example');
    const issue = (userId: string, extra: object = {}) =>
      h.certs.issue(t.id, { userId, device: DEVICE, loginType: 'personal', ...extra });
    const fresh = await issue(alice.id);
    const used = await issue(alice.id, { device: { ...DEVICE, os: 'Windows 11' } });
    assert.ok((await h.certs.verifyClientCertificate(t.id, used.certificatePem)).ok);
    await h.certs.recordUse(t.id, used.id, { ip: '192.0.2.7', userAgent: 'UA', sessionId: 's1' });
    const soon = await issue(bob.id, { validityDays: 20, loginType: 'shared' });
    const revoked = await issue(bob.id);
    await h.certs.revoke(t.id, revoked.id, 'unspecified');

    const status = async (filter: Parameters<Harness['certs']['list']>[1]) =>
      (await h.certs.list(t.id, filter)).map((c) => c.id).sort();
    const all = await h.certs.list(t.id);
    assert.deepEqual(Object.fromEntries(all.map((c) => [c.id, c.displayStatus])), {
      [fresh.id]: 'not_downloaded',
      [used.id]: 'in_use',
      [soon.id]: 'expiring_soon',
      [revoked.id]: 'revoked',
    });
    assert.deepEqual(await status({ status: 'expiring_soon' }), [soon.id]);
    assert.deepEqual(await status({ os: 'Windows 11' }), [used.id]);
    assert.deepEqual(await status({ loginType: 'shared' }), [soon.id]);
    assert.deepEqual(await status({ userId: alice.id }), [fresh.id, used.id].sort());
    assert.deepEqual(await status({ neverUsed: false }), [used.id]);
    assert.deepEqual(await status({ lastUsedAfter: new Date(h.clock.now().getTime() - 60_000) }), [
      used.id,
    ]);
    assert.deepEqual(
      await status({ notAfterBefore: new Date(h.clock.now().getTime() + 30 * DAY) }),
      [soon.id],
    );
    const usedRecord = (await h.certs.get(t.id, used.id))!;
    assert.equal(usedRecord.lastUsedIp, '192.0.2.7');
    assert.ok(usedRecord.lastUsedAt);
    assert.deepEqual(
      (await h.certs.listForUser(t.id, bob.id)).map((c) => c.id).sort(),
      [soon.id, revoked.id].sort(),
    );

    h.clock.advance(21 * DAY);
    const expired = (await h.certs.get(t.id, soon.id))!;
    assert.equal(expired.status, 'not_downloaded', 'the row is unchanged');
    assert.equal(expired.displayStatus, 'expired', 'but the admin sees it expired');
    h.clock.set(new Date());

    await assert.rejects(h.certs.list(t.id, { status: 'bogus' as 'expired' }), (e) => {
      return isSekishoError(e) && e.code === 'ERR_VALIDATION' && /status/.test(e.message);
    });
  });

  test('exports the filtered list as CSV with a BOM and header, Japanese intact, formulas neutralized', async () => {
    const t = await h.tenant('life-csv');
    const u = await h.user(t, 'hanako@life-csv.example');
    const jp = await h.certs.issue(t.id, {
      userId: u.id,
      device: { ...DEVICE, description: '経理部の MacBook' },
      loginType: 'personal',
    });
    await h.certs.issue(t.id, {
      userId: u.id,
      device: { ...DEVICE, os: 'iOS', description: '=HYPERLINK("http://evil")' },
      loginType: 'shared',
    });
    const csv = await h.certs.exportCsv(t.id, {});
    assert.ok(csv.startsWith('\uFEFF'));
    const [header, ...rows] = parse(csv.slice(1)) as string[][];
    assert.equal(header![0], 'id');
    assert.ok(header!.includes('status') && header!.includes('last_used_at'));
    assert.equal(rows.length, 2);
    const col = (name: string) => header!.indexOf(name);
    const jpRow = rows.find((r) => r[col('id')] === jp.id)!;
    assert.equal(jpRow[col('description')], '経理部の MacBook');
    assert.equal(jpRow[col('login_id')], 'hanako@life-csv.example');
    assert.equal(jpRow[col('status')], 'not_downloaded');
    const evil = rows.find((r) => r[col('id')] !== jp.id)!;
    assert.equal(evil[col('description')], `'=HYPERLINK("http://evil")`);
    const filtered = parse((await h.certs.exportCsv(t.id, { os: 'iOS' })).slice(1)) as string[][];
    assert.equal(filtered.length, 2, 'header and the one iOS row');
  });

  test('renewing a certificate issued from a CSR certifies the key the device kept', async () => {
    const t = await h.tenant('life-renew-csr');
    const u = await h.user(t, 'dana@life-renew-csr.example');
    const req = openssl(
      ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
        '-keyout',
        '-',
        '-out',
        '-',
        '-subj',
        '/CN=device',
      ]),
    ).out;
    const csrPem =
      /-----BEGIN CERTIFICATE REQUEST-----[^-]+-----END CERTIFICATE REQUEST-----\n/.exec(req)![0];
    const old = await h.certs.issueFromCsr(t.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'personal',
      validityDays: 20,
      csrPem,
    });
    const next = await h.certs.renew(t.id, old.id);
    assert.equal(next.hasServerKey, false, 'no server-made key to download');
    const keyOf = (pem: string) =>
      new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    assert.deepEqual(keyOf(next.certificatePem), keyOf(old.certificatePem));
    assert.notEqual(next.serial, old.serial);
    assert.ok((await h.certs.verifyClientCertificate(t.id, next.certificatePem)).ok);
  });

  test('renews an expiring certificate for the same device; the old one works on but no longer counts', async () => {
    const t = await h.tenant('life-renew', 2);
    const u = await h.user(t, 'carol@life-renew.example');
    const device = { ...DEVICE, description: 'Carol laptop' };
    const old = await h.certs.issue(t.id, {
      userId: u.id,
      device,
      loginType: 'passwordless',
      validityDays: 25,
    });
    await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    const next = await h.certs.renew(t.id, old.id);
    assert.equal(next.userId, u.id);
    assert.deepEqual(next.device, old.device);
    assert.equal(next.loginType, 'passwordless');
    assert.equal(next.renewedFrom, old.id);
    assert.equal(next.displayStatus, 'not_downloaded');
    assert.ok(Math.abs(next.notAfter.getTime() - h.clock.now().getTime() - 365 * DAY) < 60_000);
    assert.notEqual(next.serial, old.serial);
    const oldNow = (await h.certs.get(t.id, old.id))!;
    assert.equal(oldNow.displayStatus, 'renewed');
    const r = await h.certs.verifyClientCertificate(t.id, old.certificatePem);
    assert.ok(r.ok, 'the renewed certificate keeps working until its end');
    assert.equal(
      (await h.certs.get(t.id, old.id))!.status,
      'renewed',
      'and is not put back in use',
    );
    // Contract 2: the successor and the other certificate count; the renewed one does not.
    await assert.rejects(
      h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' }),
      { code: 'ERR_DEVICE_CERT_LIMIT' },
    );
    await assert.rejects(h.certs.renew(t.id, old.id), { code: 'ERR_DEVICE_CERT_STATUS' });
    h.clock.advance(26 * DAY);
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, old.certificatePem), {
      ok: false,
      reason: 'expired',
    });
    h.clock.set(new Date());
  });

  test('refuses renewal outside the last 30 days, of a revoked or an ended certificate', async () => {
    const t = await h.tenant('life-norenew');
    const u = await h.user(t, 'dave@life-norenew.example');
    const input = { userId: u.id, device: DEVICE, loginType: 'personal' as const };
    const young = await h.certs.issue(t.id, input);
    await assert.rejects(
      h.certs.renew(t.id, young.id),
      (e) =>
        isSekishoError(e) &&
        e.code === 'ERR_DEVICE_CERT_RENEWAL_NOT_ALLOWED' &&
        e.params.days === 30,
    );
    const revoked = await h.certs.issue(t.id, { ...input, validityDays: 10 });
    await h.certs.revoke(t.id, revoked.id, 'unspecified');
    await assert.rejects(h.certs.renew(t.id, revoked.id), { code: 'ERR_DEVICE_CERT_STATUS' });
    const ending = await h.certs.issue(t.id, { ...input, validityDays: 10 });
    h.clock.advance(11 * DAY);
    await assert.rejects(h.certs.renew(t.id, ending.id), { code: 'ERR_DEVICE_CERT_STATUS' });
    h.clock.set(new Date());
    await assert.rejects(h.certs.renew(t.id, 'not-an-id'), { code: 'ERR_NOT_FOUND' });
    assert.equal((await h.certs.list(t.id)).length, 3, 'refusals issued nothing');
  });

  test('a renewal waits for a concurrent issuance and never exceeds the contract', async () => {
    const t = await h.tenant('life-renew-race', 2);
    const u = await h.user(t, 'erin@life-renew-race.example');
    const input = { userId: u.id, device: DEVICE, loginType: 'personal' as const };
    const old = await h.certs.issue(t.id, { ...input, validityDays: 5 });
    const results = await Promise.allSettled([
      h.certs.renew(t.id, old.id),
      h.certs.renew(t.id, old.id),
      h.certs.issue(t.id, input),
      h.certs.issue(t.id, input),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    assert.equal(ok, 2, 'one renewal and one issuance fit in a contract of 2');
    const counted = (await h.certs.list(t.id)).filter((c) =>
      ['not_downloaded', 'downloaded', 'in_use', 'expiring_soon'].includes(c.displayStatus),
    );
    assert.equal(counted.length, 2);
  });

  test('settings: validity and download defaults per tenant, bad values refused', async () => {
    const t = await h.tenant('life-settings');
    const u = await h.user(t, 'frank@life-settings.example');
    assert.deepEqual(await h.certs.settings(t.id), {
      validityDays: 365,
      autoSuspendCopies: false,
      downloadLimit: 3,
      downloadHours: 72,
    });
    const saved = await h.certs.updateSettings(t.id, { validityDays: 90, downloadLimit: 1 });
    assert.equal(saved.validityDays, 90);
    assert.equal(saved.downloadHours, 72);
    const cert = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    const days = (cert.notAfter.getTime() - h.clock.now().getTime()) / DAY;
    assert.ok(Math.abs(days - 90) < 0.01);
    const link = await h.certs.createDownload(t.id, cert.id);
    assert.equal(link.downloadsLeft, 1);
    await assert.rejects(
      h.certs.updateSettings(t.id, { validityDays: 0, downloadHours: 10_000 }),
      (e) => isSekishoError(e) && /validityDays.*downloadHours/.test(e.message),
    );
    assert.equal(
      (await h.certs.settings(t.id)).validityDays,
      90,
      'a refused update changes nothing',
    );
  });

  test('certificates of a suspended or a deleted user stop working', async () => {
    const t = await h.tenant('life-users', 2);
    const sus = await h.user(t, 'sus@life-users.example');
    const del = await h.user(t, 'del@life-users.example');
    const a = await h.certs.issue(t.id, { userId: sus.id, device: DEVICE, loginType: 'personal' });
    const b = await h.certs.issue(t.id, { userId: del.id, device: DEVICE, loginType: 'personal' });
    await h.platform.users.setStatus(t.id, sus.id, 'suspended');
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, a.certificatePem), {
      ok: false,
      reason: 'user-inactive',
    });
    await h.platform.users.delete(t.id, del.id);
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, b.certificatePem), {
      ok: false,
      reason: 'not-issued-here',
    });
    assert.equal(await h.certs.get(t.id, b.id), undefined, "a deleted user's certificates go too");
    const other = await h.user(t, 'other@life-users.example');
    await h.certs.issue(t.id, { userId: other.id, device: DEVICE, loginType: 'personal' });
  });
});
