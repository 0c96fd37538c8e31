/**
 * CRLs of uploaded trust anchors: a real external CA run with `openssl ca` (its index.txt,
 * CRL numbers), leaves signed by openssl, revoked with `openssl ca -revoke` and listed by
 * `openssl ca -gencrl`, as an MDM's CA would publish them.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ValidationError, type Tenant } from '@sekisho/platform';
import type { TrustAnchor } from '../src/index.ts';
import { CrlCa, startHarness, type Harness } from './support.ts';

const HOUR = 3_600_000;

describe('trust anchor CRLs', () => {
  let h: Harness;
  const cas: CrlCa[] = [];
  const newCa = (...args: ConstructorParameters<typeof CrlCa>) => {
    const ca = new CrlCa(...args);
    cas.push(ca);
    return ca;
  };
  // openssl stamps with the system time: bring the manual clock up to it (tests that move the
  // clock ahead on purpose call the service directly).
  const now = () => {
    h.clock.set(new Date());
    return h.clock.now();
  };
  const verify = (tenantId: string, pem: string) => {
    now();
    return h.certs.verifyClientCertificate(tenantId, pem);
  };
  const denied = async (tenantId: string, pem: string, reason: string) =>
    assert.deepEqual(await verify(tenantId, pem), { ok: false, reason });
  const admitted = async (tenantId: string, pem: string) => {
    const r = await verify(tenantId, pem);
    assert.ok(r.ok, JSON.stringify(r));
  };
  async function setup(slug: string, ca: CrlCa) {
    const tenant = await h.tenant(slug);
    const email = `alice@${slug}.example`;
    await h.user(tenant, email);
    now();
    const anchor = await h.certs.addTrustAnchor(tenant.id, { name: 'MDM', pem: ca.pem });
    return { tenant, anchor, email };
  }
  const crlOf = async (t: Tenant, anchor: TrustAnchor) =>
    (await h.certs.listTrustAnchors(t.id)).find((a) => a.id === anchor.id)?.crl;
  const refusedWith = (pattern: RegExp) => (e: unknown) =>
    e instanceof ValidationError &&
    e.problems.length === 1 &&
    e.problems[0]?.field === 'crl' &&
    pattern.test(e.problems[0].message);

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    for (const ca of cas) ca.close();
    await h.close();
  });

  test('a listed serial is denied revoked, another certificate of the anchor still works, and removing the CRL lets it in again', async () => {
    const ca = newCa('/O=Example MDM/CN=crl-mdm');
    const { tenant, anchor, email } = await setup('crl-revoke', ca);
    const good = ca.leaf(email);
    // 1001 prints as 03E9 (a leading zero); 0x8F... is DER-encoded with a leading 00 byte.
    const lost = ca.leaf(email, '1001');
    const stolen = ca.leaf(email, '0x8F00000000000001');
    for (const leaf of [good, lost, stolen]) await admitted(tenant.id, leaf.pem);
    ca.revoke(lost);
    ca.revoke(stolen);
    now();
    const stored = await h.certs.setAnchorCrl(tenant.id, anchor.id, ca.crl().pem);
    assert.equal(stored.crl?.revokedCount, 2);
    await denied(tenant.id, lost.pem, 'revoked');
    await denied(tenant.id, stolen.pem, 'revoked');
    await admitted(tenant.id, good.pem);
    const removed = await h.certs.removeAnchorCrl(tenant.id, anchor.id);
    assert.deepEqual(removed, stored.crl);
    assert.equal(await crlOf(tenant, anchor), null);
    await admitted(tenant.id, lost.pem);
    await admitted(tenant.id, stolen.pem);
    await assert.rejects(h.certs.removeAnchorCrl(tenant.id, anchor.id), {
      code: 'ERR_NOT_FOUND',
    });
  });

  test('DER and PEM are both accepted, and the anchor listing shows the CRL summary', async () => {
    const ca = newCa('/O=Example MDM/CN=crl-formats');
    const { tenant, anchor, email } = await setup('crl-formats', ca);
    ca.revoke(ca.leaf(email));
    const from = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const until = new Date(from.getTime() + 48 * HOUR);
    const first = ca.crl({ from, until });
    now();
    const viaDer = await h.certs.setAnchorCrl(tenant.id, anchor.id, first.der);
    const summary = {
      thisUpdate: from,
      nextUpdate: until,
      crlNumber: first.number,
      revokedCount: 1,
    };
    assert.deepEqual(viaDer.crl, summary);
    assert.equal(first.number, String(0x1000), "openssl's first CRL number");
    assert.deepEqual(await crlOf(tenant, anchor), summary);
    ca.revoke(ca.leaf(email));
    const second = ca.crl();
    const viaPem = await h.certs.setAnchorCrl(tenant.id, anchor.id, second.pem);
    assert.equal(viaPem.crl?.crlNumber, String(0x1001));
    assert.equal(viaPem.crl?.revokedCount, 2);
    // PEM arriving as bytes (an application/x-pem-file body) is read as PEM.
    const third = ca.crl();
    const viaPemBytes = await h.certs.setAnchorCrl(tenant.id, anchor.id, Buffer.from(third.pem));
    assert.equal(viaPemBytes.crl?.crlNumber, String(0x1002));
    assert.deepEqual(await crlOf(tenant, anchor), viaPemBytes.crl);
  });

  test('refused uploads change nothing: another CA, another issuer, garbage, expired, future, rollback, critical extension, no cRLSign, another tenant', async () => {
    const ca = newCa('/O=Example MDM/CN=crl-refuse');
    const { tenant, anchor, email } = await setup('crl-refuse', ca);
    const good = ca.leaf(email);
    const lost = ca.leaf(email);
    ca.revoke(lost);
    const older = ca.crl();
    const newer = ca.crl();
    now();
    await h.certs.setAnchorCrl(tenant.id, anchor.id, newer.der);
    const before = await crlOf(tenant, anchor);
    assert.equal(before?.crlNumber, newer.number);
    const refuse = async (crl: string | Uint8Array, pattern: RegExp, anchorId = anchor.id) => {
      now();
      await assert.rejects(h.certs.setAnchorCrl(tenant.id, anchorId, crl), refusedWith(pattern));
      assert.deepEqual(await crlOf(tenant, anchor), before);
      await denied(tenant.id, lost.pem, 'revoked');
      await admitted(tenant.id, good.pem);
    };
    // Same names, another key: the signature check, not the name, refuses it.
    await refuse(newCa('/O=Example MDM/CN=crl-refuse').crl().der, /signature that does not verify/);
    // The anchor's own key under another name: the issuer check refuses it.
    const renamed = newCa('/O=Example MDM/CN=someone else', { keyOf: ca });
    await refuse(renamed.crl().pem, /issued by .*someone else.*not by the trust anchor/);
    await refuse('garbage', /is not a CRL/);
    await refuse(new Uint8Array(randomBytes(300)), /is not a CRL/);
    await refuse(ca.pem, /is not a CRL/);
    await refuse(ca.pem + newer.pem, /is not a CRL/);
    const past = Date.now() - 3 * 24 * HOUR;
    await refuse(
      ca.crl({ from: new Date(past), until: new Date(past + 24 * HOUR) }).pem,
      /expired: its nextUpdate .* has passed/,
    );
    await refuse(ca.crl({ from: new Date(Date.now() + HOUR) }).pem, /thisUpdate in the future/);
    await refuse(older.pem, /older than the stored CRL/);
    await refuse(ca.crl({ critical: true }).pem, /critical extension \(2\.5\.29\.28\)/);
    await assert.rejects(h.certs.setAnchorCrl(tenant.id, randomUUID(), newer.der), {
      code: 'ERR_NOT_FOUND',
    });
    const other = await setup('crl-refuse-other', newCa('/CN=other tenant CA'));
    await assert.rejects(h.certs.setAnchorCrl(other.tenant.id, anchor.id, newer.der), {
      code: 'ERR_NOT_FOUND',
    });
    await assert.rejects(h.certs.removeAnchorCrl(other.tenant.id, anchor.id), {
      code: 'ERR_NOT_FOUND',
    });
    assert.deepEqual(await crlOf(tenant, anchor), before);
    // The same CRL again is no rollback.
    await h.certs.setAnchorCrl(tenant.id, anchor.id, newer.pem);
    assert.deepEqual(await crlOf(tenant, anchor), before);

    const noCrlSign = newCa('/CN=no crl sign', { keyUsage: 'keyCertSign' });
    const limited = await setup('crl-refuse-usage', noCrlSign);
    await assert.rejects(
      h.certs.setAnchorCrl(limited.tenant.id, limited.anchor.id, noCrlSign.crl().pem),
      refusedWith(/keyUsage does not allow cRLSign/),
    );
    assert.equal(await crlOf(limited.tenant, limited.anchor), null);
  });

  test('without CRL numbers a rollback is told by thisUpdate', async () => {
    const ca = newCa('/CN=crl-unnumbered', { crlNumbers: false });
    const { tenant, anchor } = await setup('crl-unnumbered', ca);
    const start = Date.now();
    const older = ca.crl({ from: new Date(start - 2 * HOUR), until: new Date(start + HOUR) });
    const newer = ca.crl({ from: new Date(start - HOUR), until: new Date(start + HOUR) });
    assert.equal(newer.number, null);
    now();
    const stored = await h.certs.setAnchorCrl(tenant.id, anchor.id, newer.pem);
    assert.equal(stored.crl?.crlNumber, null);
    await assert.rejects(
      h.certs.setAnchorCrl(tenant.id, anchor.id, older.pem),
      refusedWith(/older than the stored CRL/),
    );
    assert.deepEqual(await crlOf(tenant, anchor), stored.crl);
  });

  test("once the CRL's nextUpdate passes, every certificate of that anchor is denied revocation-unknown until a fresh CRL comes", async () => {
    const ca = newCa('/O=Example MDM/CN=crl-stale');
    const { tenant, anchor, email } = await setup('crl-stale', ca);
    const good = ca.leaf(email);
    const lost = ca.leaf(email);
    ca.revoke(lost);
    now();
    await h.certs.setAnchorCrl(tenant.id, anchor.id, ca.crl({ hours: 1 }).der);
    await admitted(tenant.id, good.pem);
    // A second anchor without a CRL is checked against no list, as before.
    const plain = newCa('/CN=crl-stale plain');
    now();
    await h.certs.addTrustAnchor(tenant.id, { name: 'plain', pem: plain.pem });
    const plainLeaf = plain.leaf(email);

    h.clock.set(new Date(Date.now() + 2 * HOUR));
    const at = (pem: string) => h.certs.verifyClientCertificate(tenant.id, pem);
    assert.deepEqual(await at(good.pem), { ok: false, reason: 'revocation-unknown' });
    assert.deepEqual(await at(lost.pem), { ok: false, reason: 'revocation-unknown' });
    assert.ok((await at(plainLeaf.pem)).ok);
    await h.certs.setAnchorCrl(tenant.id, anchor.id, ca.crl().pem);
    assert.ok((await at(good.pem)).ok);
    assert.deepEqual(await at(lost.pem), { ok: false, reason: 'revoked' });
  });
});
