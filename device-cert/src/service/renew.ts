/**
 * Renews an expiring certificate for the same user, device and login type (rule:
 * `renewal-rule.ts`). The successor gets the tenant's current validity and a new server-made
 * key, delivered as PKCS#12 like the first one. A certificate issued from a CSR has no key
 * here (the device or its MDM keeps it, often in hardware that cannot export or replace it):
 * its successor certifies the same public key, so the device only installs the new
 * certificate. The old certificate becomes `renewed` and keeps working until its own end, so
 * the device can switch over, without counting twice against the contract.
 */
import { X509Certificate } from 'node:crypto';
import { SekishoError, isUuid } from '@sekisho/platform';
import { newRsaKeyPair } from './build-certificate.ts';
import type { DeviceCertDeps } from './deps.ts';
import { issueForKey } from './issue.ts';
import type { DeviceCertificate } from './records.ts';
import { assertRenewable } from './renewal-rule.ts';

export async function renew(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
): Promise<DeviceCertificate> {
  if (!isUuid(certId)) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  const old = await deps.db
    .selectFrom('device_certificates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', certId)
    .executeTakeFirst();
  if (!old) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  assertRenewable(old, deps.platform.clock.now()); // fail fast, before making a key
  const keys =
    old.private_key_sealed === null
      ? { publicKeyPem: devicePublicKey(old.certificate_pem), privateKeyPem: undefined }
      : await newRsaKeyPair();
  return issueForKey(
    deps,
    tenantId,
    {
      userId: old.user_id,
      device: {
        os: old.os,
        deviceIdType: old.device_id_type,
        deviceId: old.device_id,
        description: old.description,
      },
      loginType: old.login_type,
    },
    keys.publicKeyPem,
    keys.privateKeyPem,
    { renews: certId },
  );
}

/** The public key (SPKI PEM) a device kept, from its current certificate. */
function devicePublicKey(certificatePem: string): string {
  return new X509Certificate(certificatePem).publicKey
    .export({ type: 'spki', format: 'pem' })
    .toString();
}
