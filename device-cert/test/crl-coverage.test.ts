/**
 * The CRL lists every certificate Sekisho itself refuses before its notAfter, so a relying
 * party that checks only the CRL (openssl verify -crl_check here) refuses it too: revoked,
 * suspended (certificateHold, removed on resume), a finished device swap (superseded), and
 * certificates deleted with their user (cessationOfOperation).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SekishoError, type Tenant } from '@sekisho/platform';
import type { DeviceCertificate } from '../src/index.ts';
import { DEVICE, openssl, startHarness, type Harness } from './support.ts';

const SAFARI = 'Mozilla/5.0 (Macintosh) Safari/605.1.15';

describe('what the CRL lists', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const crlText = async (t: Tenant) => {
    const crl = await h.certs.crl(t.id);
    const { certificatePem } = await h.certs.ensureCa(t.id);
    const text = openssl(['crl', '-in', 'crl.pem', '-noout', '-text', '-CAfile', 'ca.pem'], {
      'crl.pem': crl.pem,
      'ca.pem': certificatePem,
    });
    assert.ok(text.ok, text.out);
    assert.match(text.out, /verify OK/);
    return { crl, text: text.out };
  };
  /** openssl's verdict on `cert` with the tenant's current CRL, at the harness clock's time. */
  const verifyWithCrl = async (t: Tenant, cert: DeviceCertificate) => {
    const crl = await h.certs.crl(t.id);
    const { certificatePem } = await h.certs.ensureCa(t.id);
    const at = String(Math.floor(h.clock.now().getTime() / 1000));
    return openssl(
      [
        'verify',
        '-crl_check',
        '-attime',
        at,
        '-purpose',
        'sslclient',
        '-CAfile',
        'chain.pem',
        'c.pem',
      ],
      { 'chain.pem': certificatePem + crl.pem, 'c.pem': cert.certificatePem },
    );
  };
  const entry = (text: string, serial: string) => {
    const start = text.indexOf(`Serial Number: ${serial}\n`);
    if (start < 0) return undefined;
    const next = text.indexOf('Serial Number:', start + 1);
    return text.slice(start, next < 0 ? text.indexOf('Signature Algorithm', start) : next);
  };

  test("deleting a user puts the user's unexpired certificates on the CRL, revoked ones keeping their reason", async () => {
    const t = await h.tenant('crl-user-deleted');
    const leaver = await h.user(t, 'leaver@crl-user-deleted.example');
    const stayer = await h.user(t, 'stayer@crl-user-deleted.example');
    const issue = (userId: string) =>
      h.certs.issue(t.id, { userId, device: DEVICE, loginType: 'personal' });
    const laptop = await issue(leaver.id);
    const stolen = await issue(leaver.id);
    const kept = await issue(stayer.id);
    await h.certs.revoke(t.id, stolen.id, 'keyCompromise');
    const before = await crlText(t);
    assert.equal(entry(before.text, laptop.serial), undefined);

    assert.equal(await h.platform.users.delete(t.id, leaver.id), true);
    const afterDelete = await crlText(t);
    assert.ok(afterDelete.crl.crlNumber > before.crl.crlNumber, 'reissued at the next read');
    assert.match(entry(afterDelete.text, laptop.serial) ?? '', /Cessation Of Operation/);
    assert.match(entry(afterDelete.text, stolen.serial) ?? '', /Key Compromise/);
    assert.equal(entry(afterDelete.text, kept.serial), undefined);
    const refused = await verifyWithCrl(t, laptop);
    assert.equal(refused.ok, false);
    assert.match(refused.out, /certificate revoked/);
    assert.ok((await verifyWithCrl(t, kept)).ok);

    // Later reissues and revocations keep them listed.
    await h.certs.revoke(t.id, kept.id, 'unspecified');
    const later = await crlText(t);
    for (const c of [laptop, stolen, kept]) assert.ok(entry(later.text, c.serial), c.serial);
    const verdict = await h.certs.verifyClientCertificate(t.id, laptop.certificatePem);
    assert.equal(verdict.ok, false, 'Sekisho itself refuses it too');
  });

  test('a tenant with withdrawn certificates can still be deleted whole', async () => {
    const t = await h.tenant('crl-tenant-deleted');
    const u = await h.user(t, 'u@crl-tenant-deleted.example');
    await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    await h.platform.users.delete(t.id, u.id);
    const other = await h.user(t, 'v@crl-tenant-deleted.example');
    await h.certs.issue(t.id, { userId: other.id, device: DEVICE, loginType: 'personal' });
    assert.equal(await h.platform.tenants.delete(t.id), true);
    assert.equal(await h.platform.tenants.get(t.id), undefined);
  });

  test('a suspended copy is on hold in the CRL; resuming takes it off and lets it work again', async () => {
    const t = await h.tenant('crl-hold', 1);
    const u = await h.user(t, 'u@crl-hold.example');
    const cert = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'personal' });
    await h.certs.updateSettings(t.id, { autoSuspendCopies: true });
    await h.certs.recordUse(t.id, cert.id, {
      ip: '198.51.100.5',
      userAgent: SAFARI,
      sessionId: 'a',
    });
    await h.certs.recordUse(t.id, cert.id, { ip: '192.0.2.99', userAgent: SAFARI, sessionId: 'b' });
    assert.equal((await h.certs.get(t.id, cert.id))!.status, 'suspended');
    const held = await crlText(t);
    assert.match(entry(held.text, cert.serial) ?? '', /Certificate Hold/);
    assert.match((await verifyWithCrl(t, cert)).out, /certificate revoked/);

    // While suspended it does not count: the contract's one place is taken by a new one.
    const other = await h.certs.issue(t.id, { userId: u.id, device: DEVICE, loginType: 'shared' });
    await assert.rejects(
      h.certs.resume(t.id, cert.id),
      (err: unknown) => err instanceof SekishoError && err.code === 'ERR_DEVICE_CERT_LIMIT',
    );
    assert.equal((await h.certs.get(t.id, cert.id))!.status, 'suspended', 'refused: unchanged');
    assert.match(entry((await crlText(t)).text, cert.serial) ?? '', /Certificate Hold/);

    await h.certs.revoke(t.id, other.id, 'superseded');
    const resumed = await h.certs.resume(t.id, cert.id);
    assert.equal(resumed.status, 'in_use');
    const released = await crlText(t);
    assert.ok(released.crl.crlNumber > held.crl.crlNumber);
    assert.equal(entry(released.text, cert.serial), undefined, 'the hold is removed');
    assert.ok((await verifyWithCrl(t, cert)).ok);
    assert.ok((await h.certs.verifyClientCertificate(t.id, cert.certificatePem)).ok);

    await assert.rejects(
      h.certs.resume(t.id, cert.id),
      (err: unknown) => err instanceof SekishoError && err.code === 'ERR_DEVICE_CERT_STATUS',
    );
    await assert.rejects(
      h.certs.resume(t.id, other.id),
      (err: unknown) => err instanceof SekishoError && err.code === 'ERR_DEVICE_CERT_STATUS',
      'a revoked certificate cannot be resumed',
    );
  });

  test('a device swap is listed as superseded once its 90 days are over, without any write', async () => {
    const t = await h.tenant('crl-swap', 4);
    const u = await h.user(t, 'u@crl-swap.example');
    const old = await h.certs.issue(t.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'personal',
      validityDays: 365,
    });
    await h.certs.markReplacing(t.id, old.id);
    const during = await crlText(t);
    assert.equal(entry(during.text, old.serial), undefined, 'still works during the swap');
    h.clock.advance(90 * 86_400_000 - 60_000);
    const lastDay = await crlText(t);
    assert.equal(entry(lastDay.text, old.serial), undefined);
    h.clock.advance(2 * 60_000);
    // Two minutes later the stored CRL is young, but the swap has ended: it is reissued.
    const ended = await crlText(t);
    assert.ok(ended.crl.crlNumber > lastDay.crl.crlNumber);
    assert.match(entry(ended.text, old.serial) ?? '', /Superseded/);
    assert.match((await verifyWithCrl(t, old)).out, /certificate revoked/);
  });
});
