import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import forge from 'node-forge';
import { sql } from 'kysely';
import type { Tenant } from '@sekisho/platform';
import { DEVICE, startHarness, type Harness } from './support.ts';

/** Test-only: a certificate signed with a given key (the tenant CA's or a look-alike's). */
function forgeCert(opts: {
  issuerPem: string;
  signKeyPem: string;
  clientAuth: boolean;
  selfSigned?: boolean;
}) {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pubPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    opts.selfSigned
      ? forge.pki.publicKeyToPem(forge.pki.certificateFromPem(opts.issuerPem).publicKey)
      : pubPem,
  );
  cert.serialNumber = '4F' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const issuer = forge.pki.certificateFromPem(opts.issuerPem).subject.attributes;
  cert.setSubject(opts.selfSigned ? issuer : [{ name: 'commonName', value: 'x' }]);
  cert.setIssuer(issuer);
  cert.setExtensions([
    { name: 'extKeyUsage', ...(opts.clientAuth ? { clientAuth: true } : { serverAuth: true }) },
  ]);
  cert.sign(
    forge.pki.privateKeyFromPem(opts.selfSigned ? privPem : opts.signKeyPem),
    forge.md.sha256.create(),
  );
  return forge.pki.certificateToPem(cert);
}

describe('client certificate verification', () => {
  let h: Harness;
  let t: Tenant;
  let caPem: string;
  let caKeyPem: string;
  before(async () => {
    h = await startHarness();
    t = await h.tenant('verify');
    caPem = (await h.certs.ensureCa(t.id)).certificatePem;
    const { rows } = await sql<{
      private_key_sealed: string;
    }>`SELECT private_key_sealed FROM device_cas WHERE tenant_id = ${t.id}`.execute(
      h.platform.store.db,
    );
    caKeyPem = h.platform.secretBox
      .open(rows[0]!.private_key_sealed, `device-ca:${t.id}`)
      .toString();
  });
  after(() => h.close());

  const issue = async (loginId: string) => {
    const u = await h.user(t, loginId);
    return {
      u,
      cert: await h.certs.issue(t.id, {
        userId: u.id,
        device: DEVICE,
        loginType: 'personal',
        validityDays: 2,
      }),
    };
  };

  test('accepts a valid certificate and marks it in use', async () => {
    const { u, cert } = await issue('ok@verify.example');
    const r = await h.certs.verifyClientCertificate(t.id, cert.certificatePem);
    assert.ok(r.ok);
    assert.equal(r.user.id, u.id);
    assert.equal((await h.certs.get(t.id, cert.id))?.status, 'in_use');
  });

  test("rejects a certificate issued by another tenant's CA", async () => {
    const other = await h.tenant('verify-other');
    const u = await h.user(other, 'x@verify-other.example');
    const cert = await h.certs.issue(other.id, {
      userId: u.id,
      device: DEVICE,
      loginType: 'personal',
    });
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, cert.certificatePem), {
      ok: false,
      reason: 'unknown-issuer',
    });
  });

  test('rejects a self-signed look-alike with the CA subject', async () => {
    const pem = forgeCert({
      issuerPem: caPem,
      signKeyPem: caKeyPem,
      clientAuth: true,
      selfSigned: true,
    });
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, pem), {
      ok: false,
      reason: 'unknown-issuer',
    });
  });

  test('rejects an expired and a not yet valid certificate', async () => {
    const { cert } = await issue('time@verify.example');
    h.clock.advance(3 * 86_400_000);
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, cert.certificatePem), {
      ok: false,
      reason: 'expired',
    });
    h.clock.set(new Date(Date.now() - 3_600_000));
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, cert.certificatePem), {
      ok: false,
      reason: 'not-yet-valid',
    });
    h.clock.set(new Date());
  });

  test('rejects a certificate from the same CA without clientAuth', async () => {
    const pem = forgeCert({ issuerPem: caPem, signKeyPem: caKeyPem, clientAuth: false });
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, pem), {
      ok: false,
      reason: 'wrong-usage',
    });
  });

  test('rejects a certificate signed by the CA key but not issued by Sekisho', async () => {
    const pem = forgeCert({ issuerPem: caPem, signKeyPem: caKeyPem, clientAuth: true });
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, pem), {
      ok: false,
      reason: 'not-issued-here',
    });
  });

  test('rejects a revoked certificate at once', async () => {
    const { cert } = await issue('revoked@verify.example');
    assert.ok((await h.certs.verifyClientCertificate(t.id, cert.certificatePem)).ok);
    await h.certs.revoke(t.id, cert.id, 'keyCompromise');
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, cert.certificatePem), {
      ok: false,
      reason: 'revoked',
    });
  });

  test("rejects a suspended user's certificate", async () => {
    const { u, cert } = await issue('suspended@verify.example');
    await h.platform.users.setStatus(t.id, u.id, 'suspended');
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, cert.certificatePem), {
      ok: false,
      reason: 'user-inactive',
    });
  });

  test('rejects garbage', async () => {
    assert.deepEqual(await h.certs.verifyClientCertificate(t.id, 'not a certificate'), {
      ok: false,
      reason: 'malformed',
    });
  });
});
