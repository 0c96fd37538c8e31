/**
 * Sets or clears where a trust anchor's CRL is fetched from (`refresh-anchor-crls.ts`).
 * - The URL is checked as `crl-url.ts` says; null stops fetching (the stored CRL stays, and
 *   an admin uploads the next one).
 * - A new URL forgets the last fetch's outcome: it was about another address, and the next
 *   failure starts a new streak (audited again).
 */
import { isUuid } from '@sekisho/platform';
import { parseCrlUrl } from './crl-url.ts';
import type { DeviceCertDeps } from './deps.ts';
import { noAnchor, toTrustAnchor, type TrustAnchor } from './trust-anchors.ts';

export async function setAnchorCrlUrl(
  deps: DeviceCertDeps,
  tenantId: string,
  anchorId: string,
  url: string | null,
): Promise<TrustAnchor> {
  const crlUrl = url === null ? null : parseCrlUrl(url, 'url');
  if (!isUuid(anchorId)) throw noAnchor();
  return deps.db.transaction().execute(async (trx) => {
    const stored = await trx
      .selectFrom('device_cert_anchors')
      .select('crl_url')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', anchorId)
      .forUpdate()
      .executeTakeFirst();
    if (!stored) throw noAnchor();
    const forget = { crl_fetch_at: null, crl_fetch_ok: null, crl_fetch_error: null };
    const row = await trx
      .updateTable('device_cert_anchors')
      .set({ crl_url: crlUrl, ...(stored.crl_url !== crlUrl && forget) })
      .where('id', '=', anchorId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTrustAnchor(row);
  });
}
