/**
 * The trust-anchor half of client-certificate verification (the caller has already found
 * that the tenant CA did not issue the certificate):
 * - the issuer is one of the tenant's anchors: names chain (`checkIssued`) AND the signature
 *   verifies with the anchor's key, and the anchor itself is within its validity; only a
 *   direct child of an anchor is accepted (no intermediate chains: no path building here);
 * - when the anchor has an uploaded CRL (`anchor-crl.ts`): a serial it lists is `revoked`, and
 *   once its nextUpdate has passed every certificate under the anchor is `revocation-unknown`
 *   (fail closed: a stale list could miss the lost phone revoked since). The summary comes with
 *   the anchor; the serial is one primary-key lookup;
 * - the holder is exactly one user of the tenant: by SAN / subject email, or by CN = login ID,
 *   as the anchor says; several or no matches deny (`unknown-user`), never pick one.
 */
import { X509Certificate } from 'node:crypto';
import type { User } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { normalizeSerial } from './anchor-crl.ts';
import { commonNamesOf, emailsOf } from './certificate-names.ts';
import { listTrustAnchors, type TrustAnchor } from './trust-anchors.ts';

export async function findIssuingAnchor(
  deps: DeviceCertDeps,
  tenantId: string,
  cert: X509Certificate,
  now: Date,
): Promise<TrustAnchor | undefined> {
  for (const anchor of await listTrustAnchors(deps, tenantId)) {
    const ca = new X509Certificate(anchor.certificatePem);
    if (now < ca.validFromDate || now > ca.validToDate) continue;
    if (cert.checkIssued(ca) && cert.verify(ca.publicKey)) return anchor;
  }
  return undefined;
}

/** What the anchor's CRL says against the certificate; undefined without a CRL or a listing. */
export async function anchorCrlProblem(
  deps: DeviceCertDeps,
  tenantId: string,
  cert: X509Certificate,
  anchor: TrustAnchor,
  now: Date,
): Promise<'revoked' | 'revocation-unknown' | undefined> {
  if (!anchor.crl) return undefined;
  if (anchor.crl.nextUpdate && now.getTime() >= anchor.crl.nextUpdate.getTime()) {
    return 'revocation-unknown';
  }
  const listed = await deps.db
    .selectFrom('device_cert_anchor_revoked')
    .select('serial')
    .where('anchor_id', '=', anchor.id)
    .where('serial', '=', normalizeSerial(cert.serialNumber))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return listed ? 'revoked' : undefined;
}

/** The one user the certificate names, per the anchor's rule; undefined when not exactly one. */
export async function userOfAnchoredCertificate(
  deps: DeviceCertDeps,
  tenantId: string,
  cert: X509Certificate,
  anchor: TrustAnchor,
): Promise<User | undefined> {
  if (anchor.userMatch === 'login_id') {
    const names = commonNamesOf(cert);
    if (names.length !== 1) return undefined;
    return deps.platform.users.getByLoginId(tenantId, names[0]!);
  }
  const emails = emailsOf(cert);
  if (!emails.length) return undefined;
  const rows = await deps.db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb(eb.fn('lower', ['email']), 'in', emails))
    .execute();
  const ids = [...new Set(rows.map((r) => r.id))];
  return ids.length === 1 ? deps.platform.users.get(tenantId, ids[0]!) : undefined;
}
