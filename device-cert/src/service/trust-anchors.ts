/**
 * External trust anchors a tenant uploads (an MDM's CA, a commercial device-ID CA): their
 * end-entity certificates are accepted for sign-in like the tenant CA's (see
 * `verify-by-anchor.ts`).
 *
 * - Only a CA certificate (basicConstraints CA:TRUE) that is valid now is accepted; the same
 *   certificate twice is refused; at most 20 per tenant.
 * - Certificates under an anchor are not ours: they do not count against the contracted
 *   number, and we cannot revoke them ourselves: the anchor's owner does, with its own CRL,
 *   which an admin uploads (`anchor-crl.ts`) or Sekisho fetches from the anchor's `crlUrl`
 *   (`refresh-anchor-crls.ts`). Removing the anchor stops all of them at once.
 */
import { X509Certificate, randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { SekishoError, ValidationError, isUuid, type FieldProblem } from '@sekisho/platform';
import type { DeviceCertAnchorsTable } from '../store/tables.ts';
import { crlUrlProblem, parseCrlUrl } from './crl-url.ts';
import type { DeviceCertDeps } from './deps.ts';
import { LOGIN_TYPES } from './issue-input.ts';
import type { LoginType } from './records.ts';

export type AnchorUserMatch = 'email' | 'login_id';

export interface TrustAnchorInput {
  name: string;
  pem: string;
  /** The login type of certificates under this anchor (`personal`). */
  loginType?: LoginType | undefined;
  /** How a certificate names its user: SAN / subject email, or CN = login ID (`email`). */
  userMatch?: AnchorUserMatch | undefined;
  /** Where its CRL is fetched from (http or https); none = uploaded by hand only. */
  crlUrl?: string | null | undefined;
}

/** What the anchor's uploaded CRL says about itself (the list is stored apart). */
export interface AnchorCrlSummary {
  thisUpdate: Date;
  /** After it, certificates under the anchor are denied `revocation-unknown`. */
  nextUpdate: Date | null;
  /** Decimal (CRL numbers may exceed 2^53); null when the CRL has none. */
  crlNumber: string | null;
  revokedCount: number;
}

/** The last automatic fetch of the anchor's CRL from its `crlUrl`. */
export interface AnchorCrlFetch {
  at: Date;
  ok: boolean;
  /** Why it failed; null when it worked. */
  error: string | null;
}

export interface TrustAnchor {
  id: string;
  tenantId: string;
  name: string;
  subject: string;
  fingerprintSha256: string;
  notAfter: Date;
  loginType: LoginType;
  userMatch: AnchorUserMatch;
  certificatePem: string;
  createdAt: Date;
  /** The uploaded CRL; null when none (certificates are then checked by no list). */
  crl: AnchorCrlSummary | null;
  /** Where the CRL is fetched from; null when it is only uploaded. */
  crlUrl: string | null;
  /** The last fetch from `crlUrl`; null before the first (or since the URL changed). */
  crlFetch: AnchorCrlFetch | null;
}

export const MAX_ANCHORS = 20;
export const noAnchor = () => new SekishoError('ERR_NOT_FOUND', 'no such trust anchor');
const USER_MATCHES: readonly string[] = ['email', 'login_id'];

export function toTrustAnchor(r: Selectable<DeviceCertAnchorsTable>): TrustAnchor {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    subject: r.subject,
    fingerprintSha256: r.fingerprint_sha256,
    notAfter: r.not_after,
    loginType: r.login_type,
    userMatch: r.user_match,
    certificatePem: r.certificate_pem,
    createdAt: r.created_at,
    crl:
      r.crl_this_update === null
        ? null
        : {
            thisUpdate: r.crl_this_update,
            nextUpdate: r.crl_next_update,
            crlNumber: r.crl_number,
            revokedCount: r.crl_revoked_count ?? 0,
          },
    crlUrl: r.crl_url,
    crlFetch:
      r.crl_fetch_at === null
        ? null
        : { at: r.crl_fetch_at, ok: r.crl_fetch_ok === true, error: r.crl_fetch_error },
  };
}

const invalid = (problem: string) =>
  new SekishoError('ERR_DEVICE_CERT_ANCHOR_INVALID', `trust anchor refused: ${problem}`, {
    params: { problem },
  });

function parseAnchor(pem: unknown, now: Date): X509Certificate {
  let cert: X509Certificate;
  try {
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error();
    cert = new X509Certificate(pem);
  } catch {
    throw invalid('not a PEM certificate');
  }
  if (!cert.ca) throw invalid('not a CA certificate (basicConstraints CA:TRUE is required)');
  if (now < cert.validFromDate || now > cert.validToDate) {
    throw invalid('the certificate is expired or not yet valid');
  }
  return cert;
}

function checkInput(input: TrustAnchorInput): void {
  const problems: FieldProblem[] = [];
  if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 200) {
    problems.push({
      field: 'name',
      message: 'must be a non-empty string of at most 200 characters',
    });
  }
  if (input.loginType !== undefined && !LOGIN_TYPES.includes(input.loginType)) {
    problems.push({ field: 'loginType', message: `must be one of ${LOGIN_TYPES.join(', ')}` });
  }
  if (input.userMatch !== undefined && !USER_MATCHES.includes(input.userMatch)) {
    problems.push({ field: 'userMatch', message: 'must be email or login_id' });
  }
  const urlProblem = input.crlUrl == null ? undefined : crlUrlProblem(input.crlUrl);
  if (urlProblem !== undefined) problems.push({ field: 'crlUrl', message: urlProblem });
  if (problems.length) throw new ValidationError(problems);
}

export async function addTrustAnchor(
  deps: DeviceCertDeps,
  tenantId: string,
  input: TrustAnchorInput,
): Promise<TrustAnchor> {
  checkInput(input);
  const now = deps.platform.clock.now();
  const cert = parseAnchor(input.pem, now);
  if (!(await deps.platform.tenants.get(tenantId))) {
    throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
  }
  const existing = await listTrustAnchors(deps, tenantId);
  if (existing.some((a) => a.fingerprintSha256 === cert.fingerprint256)) {
    throw invalid('this certificate is already a trust anchor');
  }
  if (existing.length >= MAX_ANCHORS) throw invalid(`at most ${MAX_ANCHORS} trust anchors`);
  const row = await deps.db
    .insertInto('device_cert_anchors')
    .values({
      id: randomUUID(),
      tenant_id: tenantId,
      name: input.name.trim(),
      certificate_pem: cert.toString(),
      fingerprint_sha256: cert.fingerprint256,
      subject: cert.subject,
      not_after: cert.validToDate,
      login_type: input.loginType ?? 'personal',
      user_match: input.userMatch ?? 'email',
      crl_url: input.crlUrl == null ? null : parseCrlUrl(input.crlUrl, 'crlUrl'),
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'fingerprint_sha256']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw invalid('this certificate is already a trust anchor');
  return toTrustAnchor(row);
}

export async function listTrustAnchors(
  deps: DeviceCertDeps,
  tenantId: string,
): Promise<TrustAnchor[]> {
  const rows = await deps.db
    .selectFrom('device_cert_anchors')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .execute();
  return rows.map(toTrustAnchor);
}

export async function removeTrustAnchor(
  deps: DeviceCertDeps,
  tenantId: string,
  anchorId: string,
): Promise<void> {
  if (!isUuid(anchorId)) throw noAnchor();
  const res = await deps.db
    .deleteFrom('device_cert_anchors')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', anchorId)
    .executeTakeFirst();
  if (!Number(res.numDeletedRows)) throw noAnchor();
}
