/**
 * Decides whether a presented client certificate identifies a user of this tenant.
 * Checks, in order, each failure a stable reason (deny by default):
 * 1. parses as X.509 (`malformed`);
 * 2. issued by this tenant's CA: names chain (`checkIssued`) AND the signature verifies with
 *    the CA's public key — a self-signed look-alike with the same names fails here
 *    (`unknown-issuer`); another tenant's CA fails here too;
 * 3. within its validity period at the platform clock (`not-yet-valid`, `expired`);
 * 4. an end-entity certificate with the clientAuth EKU (`wrong-usage`);
 * 5. known to our table by serial AND SHA-256 fingerprint (`not-issued-here`), not revoked
 *    (`revoked`) — read on every call, so a revocation is seen by every node at once;
 * 6. bound to a user who exists and is active (`user-inactive`).
 */
import { X509Certificate } from 'node:crypto';
import type { User } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { toDeviceCertificate, type DeviceCertificate } from './records.ts';

export type VerifyDenyReason =
  | 'malformed'
  | 'unknown-issuer'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  | 'wrong-usage'
  | 'not-issued-here'
  | 'user-inactive';

export type VerifyResult =
  | { ok: true; certificate: DeviceCertificate; user: User }
  | { ok: false; reason: VerifyDenyReason };

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const deny = (reason: VerifyDenyReason): VerifyResult => ({ ok: false, reason });

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

export async function verifyClientCertificate(
  deps: DeviceCertDeps,
  tenantId: string,
  pem: string,
): Promise<VerifyResult> {
  const cert = parse(pem);
  if (!cert) return deny('malformed');
  const ca = await deps.db
    .selectFrom('device_cas')
    .select('certificate_pem')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const caCert = ca && parse(ca.certificate_pem);
  if (!caCert || !cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) {
    return deny('unknown-issuer');
  }
  const now = deps.platform.clock.now().getTime();
  if (now < cert.validFromDate.getTime()) return deny('not-yet-valid');
  if (now > cert.validToDate.getTime()) return deny('expired');
  if (cert.ca || !(cert.keyUsage ?? []).includes(CLIENT_AUTH)) return deny('wrong-usage');
  const row = await deps.db
    .selectFrom('device_certificates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('serial', '=', cert.serialNumber.toUpperCase())
    .executeTakeFirst();
  if (!row || row.fingerprint_sha256 !== cert.fingerprint256) return deny('not-issued-here');
  if (row.status === 'revoked') return deny('revoked');
  if (row.status === 'expired') return deny('expired');
  const user = await deps.platform.users.get(tenantId, row.user_id);
  if (!user || user.status !== 'active') return deny('user-inactive');
  if (row.status !== 'in_use') {
    await deps.db
      .updateTable('device_certificates')
      .set({ status: 'in_use' })
      .where('id', '=', row.id)
      .where('status', 'in', ['not_downloaded', 'downloaded'])
      .execute();
  }
  return { ok: true, certificate: toDeviceCertificate(row), user };
}
