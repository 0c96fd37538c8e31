/**
 * Decides whether a presented client certificate identifies a user of this tenant.
 * Checks, in order, each failure a stable reason (deny by default):
 * 1. parses as X.509 (`malformed`);
 * 2. issued by this tenant's CA: names chain (`checkIssued`) AND the signature verifies with
 *    the CA's public key — a self-signed look-alike with the same names fails here; another
 *    tenant's CA fails here too. Otherwise issued by one of the tenant's trust anchors
 *    (`verify-by-anchor.ts`), else `unknown-issuer`;
 * 3. within its validity period at the platform clock (`not-yet-valid`, `expired`);
 * 4. an end-entity certificate with the clientAuth EKU (`wrong-usage`);
 * 5. tenant CA: known to our table by serial AND SHA-256 fingerprint (`not-issued-here`), not
 *    revoked (`revoked`), suspended as a suspected copy (`suspended`), expired, or replaced for
 *    more than 90 days (`expired`) — read on every call, so every node sees a change at once.
 *    A `renewed` certificate works until its own end. Anchor: not listed on the anchor's
 *    uploaded CRL (`revoked`), which must not be past its nextUpdate (`revocation-unknown`,
 *    fail closed); the holder is exactly one user (`unknown-user`);
 * 6. bound to a user who exists and is active (`user-inactive`): suspending a user stops
 *    their certificates; deleting a user deletes their certificates (`not-issued-here`).
 */
import { X509Certificate } from 'node:crypto';
import type { User } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { replacingEnds } from './display-status.ts';
import {
  toDeviceCertificate,
  type DeviceCertificate,
  type DeviceCertRow,
  type LoginType,
} from './records.ts';
import {
  anchorCrlProblem,
  findIssuingAnchor,
  userOfAnchoredCertificate,
} from './verify-by-anchor.ts';

export type VerifyDenyReason =
  | 'malformed'
  | 'unknown-issuer'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  | 'revocation-unknown'
  | 'suspended'
  | 'wrong-usage'
  | 'not-issued-here'
  | 'unknown-user'
  | 'user-inactive';

/** A certificate issued under a tenant's trust anchor: not ours, so no stored record. */
export interface ExternalCertificate {
  /** `ext:` + SHA-256 fingerprint (hex): stable, for `recordUse`. */
  id: string;
  anchorId: string;
  anchorName: string;
  serial: string;
  subject: string;
  fingerprintSha256: string;
  notBefore: Date;
  notAfter: Date;
  loginType: LoginType;
}

export type VerifyResult =
  | {
      ok: true;
      source: 'tenant-ca';
      certificate: DeviceCertificate;
      user: User;
      loginType: LoginType;
    }
  | {
      ok: true;
      source: 'trust-anchor';
      certificate: ExternalCertificate;
      user: User;
      loginType: LoginType;
    }
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

function checkTimeAndUsage(cert: X509Certificate, now: Date): VerifyDenyReason | undefined {
  if (now.getTime() < cert.validFromDate.getTime()) return 'not-yet-valid';
  if (now.getTime() > cert.validToDate.getTime()) return 'expired';
  if (cert.ca || !(cert.keyUsage ?? []).includes(CLIENT_AUTH)) return 'wrong-usage';
  return undefined;
}

export async function verifyClientCertificate(
  deps: DeviceCertDeps,
  tenantId: string,
  pem: string,
): Promise<VerifyResult> {
  const cert = parse(pem);
  if (!cert) return deny('malformed');
  const now = deps.platform.clock.now();
  const ca = await deps.db
    .selectFrom('device_cas')
    .select('certificate_pem')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const caCert = ca && parse(ca.certificate_pem);
  if (!caCert || !cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) {
    return verifyAnchored(deps, tenantId, cert, now);
  }
  const problem = checkTimeAndUsage(cert, now);
  if (problem) return deny(problem);
  const row = await deps.db
    .selectFrom('device_certificates')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('serial', '=', cert.serialNumber.toUpperCase())
    .executeTakeFirst();
  if (!row || row.fingerprint_sha256 !== cert.fingerprint256) return deny('not-issued-here');
  const stored = storedStatusProblem(row, now);
  if (stored) return deny(stored);
  const user = await deps.platform.users.get(tenantId, row.user_id);
  if (!user || user.status !== 'active') return deny('user-inactive');
  if (row.status === 'not_downloaded' || row.status === 'downloaded') {
    await deps.db
      .updateTable('device_certificates')
      .set({ status: 'in_use' })
      .where('id', '=', row.id)
      .where('status', 'in', ['not_downloaded', 'downloaded'])
      .execute();
  }
  const certificate = toDeviceCertificate(row, now);
  return { ok: true, source: 'tenant-ca', certificate, user, loginType: row.login_type };
}

function storedStatusProblem(row: DeviceCertRow, now: Date): VerifyDenyReason | undefined {
  if (row.status === 'revoked') return 'revoked';
  if (row.status === 'suspended') return 'suspended';
  if (row.status === 'expired') return 'expired';
  if (row.status === 'replacing' && now >= replacingEnds(row.replacing_since ?? now)) {
    return 'expired';
  }
  return undefined;
}

async function verifyAnchored(
  deps: DeviceCertDeps,
  tenantId: string,
  cert: X509Certificate,
  now: Date,
): Promise<VerifyResult> {
  const anchor = await findIssuingAnchor(deps, tenantId, cert, now);
  if (!anchor) return deny('unknown-issuer');
  const problem =
    checkTimeAndUsage(cert, now) ?? (await anchorCrlProblem(deps, tenantId, cert, anchor, now));
  if (problem) return deny(problem);
  const user = await userOfAnchoredCertificate(deps, tenantId, cert, anchor);
  if (!user) return deny('unknown-user');
  if (user.status !== 'active') return deny('user-inactive');
  const certificate: ExternalCertificate = {
    id: `ext:${cert.fingerprint256.replaceAll(':', '').toLowerCase()}`,
    anchorId: anchor.id,
    anchorName: anchor.name,
    serial: cert.serialNumber.toUpperCase(),
    subject: cert.subject,
    fingerprintSha256: cert.fingerprint256,
    notBefore: cert.validFromDate,
    notAfter: cert.validToDate,
    loginType: anchor.loginType,
  };
  return { ok: true, source: 'trust-anchor', certificate, user, loginType: anchor.loginType };
}
