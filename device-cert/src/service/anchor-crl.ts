/**
 * The CRL of an uploaded trust anchor, so a certificate under an MDM's CA can be revoked (a
 * lost phone). An admin uploads it; verification reads only the stored summary and serials
 * (`verify-by-anchor.ts`). A CRL is stored only when (RFC 5280 §5, §6.3.3):
 * - it is one X.509 CRL (DER, or PEM `X509 CRL`) without a critical extension, in the list or
 *   an entry: a delta, partitioned (issuing distribution point) or indirect CRL is only part of
 *   the picture, and taking it for the whole list would let revoked certificates in (§5.2);
 * - its issuer is the anchor's subject and its signature verifies with the anchor's key (whose
 *   keyUsage, when present, allows cRLSign);
 * - thisUpdate is not in the future (5 minutes of skew) and nextUpdate, when present, is;
 * - it is not older than the stored one (by CRL number when both have one, else thisUpdate):
 *   bringing back an older list would un-revoke certificates.
 * Anything else is refused with a `ValidationError` naming the problem, and nothing changes.
 * A fetched CRL (`refresh-anchor-crls.ts`) is stored only when newer than the stored one: the
 * same list served again is no change.
 * Parsing and signature checks are @peculiar/x509's (and asn1js's for the CRL number).
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its parts with tsyringe, which needs it
import { webcrypto } from 'node:crypto';
import { Integer, fromBER } from 'asn1js';
import {
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  X509Certificate,
  X509Crl,
} from '@peculiar/x509';
import type { Kysely } from 'kysely';
import { SekishoError, ValidationError, isUuid } from '@sekisho/platform';
import type { DeviceCertDatabase } from '../store/tables.ts';
import type { DeviceCertDeps } from './deps.ts';
import {
  noAnchor,
  toTrustAnchor,
  type AnchorCrlSummary,
  type TrustAnchor,
} from './trust-anchors.ts';

const SKEW_MS = 5 * 60_000;
const CRL_NUMBER_OID = '2.5.29.20';
const INSERT_CHUNK = 5_000;

const refused = (message: string) => new ValidationError([{ field: 'crl', message }]);

/** A serial as stored and looked up: upper-case hex without leading zeros ("0" for zero). */
export function normalizeSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+/, '') || '0';
}

/** One CRL from DER bytes, or from PEM text (also PEM sent as bytes). */
function decode(input: string | Uint8Array): X509Crl {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  let der: Uint8Array | ArrayBuffer = typeof input === 'string' ? new Uint8Array() : input;
  if (typeof input === 'string' || text.trimStart().startsWith('-----BEGIN')) {
    let blocks: ReturnType<typeof PemConverter.decodeWithHeaders> = [];
    try {
      blocks = PemConverter.decodeWithHeaders(text);
    } catch {
      // not PEM either: refused below
    }
    if (blocks.length !== 1 || blocks[0]?.type !== 'X509 CRL') {
      throw refused('is not a CRL (DER, or one PEM "X509 CRL" block)');
    }
    der = blocks[0].rawData;
  }
  try {
    return new X509Crl(der);
  } catch {
    throw refused('is not a CRL (DER, or one PEM "X509 CRL" block)');
  }
}

function crlNumberOf(crl: X509Crl): bigint | null {
  const ext = crl.getExtension(CRL_NUMBER_OID);
  if (!ext) return null;
  const { offset, result } = fromBER(ext.value);
  if (offset !== ext.value.byteLength || !(result instanceof Integer) || result.toBigInt() < 0n) {
    throw refused('has a CRL number that is not a non-negative integer');
  }
  return result.toBigInt();
}

async function checkCrl(crl: X509Crl, anchorPem: string, now: Date): Promise<void> {
  const ca = new X509Certificate(anchorPem);
  const sameDer = Buffer.from(crl.issuerName.toArrayBuffer()).equals(
    Buffer.from(ca.subjectName.toArrayBuffer()),
  );
  if (!sameDer && crl.issuerName.toString() !== ca.subjectName.toString()) {
    throw refused(`is issued by "${crl.issuer}", not by the trust anchor "${ca.subject}"`);
  }
  const usage = ca.getExtension(KeyUsagesExtension);
  if (usage && !(usage.usages & KeyUsageFlags.cRLSign)) {
    throw refused('cannot come from this trust anchor: its keyUsage does not allow cRLSign');
  }
  const signed = await crl.verify({ publicKey: ca }, webcrypto).catch(() => false);
  if (!signed) throw refused("has a signature that does not verify with the trust anchor's key");
  const critical = [...crl.extensions, ...crl.entries.flatMap((e) => e.extensions)].find(
    (e) => e.critical,
  );
  if (critical) {
    throw refused(
      `has a critical extension (${critical.type}): delta, partitioned and indirect CRLs are not supported`,
    );
  }
  if (crl.thisUpdate.getTime() > now.getTime() + SKEW_MS) {
    throw refused(`has a thisUpdate in the future (${crl.thisUpdate.toISOString()})`);
  }
  if (crl.nextUpdate && crl.nextUpdate.getTime() <= now.getTime()) {
    throw refused(`has expired: its nextUpdate (${crl.nextUpdate.toISOString()}) has passed`);
  }
}

/** -1, 0 or 1 as the CRL is older than, as old as or newer than the stored one. */
function compareToStored(stored: AnchorCrlSummary, crl: X509Crl, crlNumber: bigint | null) {
  if (crlNumber !== null && stored.crlNumber !== null) {
    const storedNumber = BigInt(stored.crlNumber);
    return crlNumber < storedNumber ? -1 : crlNumber > storedNumber ? 1 : 0;
  }
  return Math.sign(crl.thisUpdate.getTime() - stored.thisUpdate.getTime());
}

/** Refuses a CRL older than the stored one (rollback): CRL numbers when both have one. */
function checkNotOlder(stored: TrustAnchor['crl'], crl: X509Crl, crlNumber: bigint | null): void {
  if (stored && compareToStored(stored, crl, crlNumber) < 0) {
    throw refused(
      `is older than the stored CRL (number ${stored.crlNumber ?? 'none'}, thisUpdate ` +
        `${stored.thisUpdate.toISOString()}): a CRL is never replaced by an older one`,
    );
  }
}

/** The anchor, its row locked (FOR UPDATE) when read in a transaction. */
async function readAnchor(
  db: Kysely<DeviceCertDatabase>,
  tenantId: string,
  anchorId: string,
  lock: boolean,
): Promise<TrustAnchor> {
  const query = db
    .selectFrom('device_cert_anchors')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', anchorId);
  const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
  if (!row) throw noAnchor();
  return toTrustAnchor(row);
}

/** Checks and stores the anchor's CRL with its revoked serials, replacing the stored one. */
export async function setAnchorCrl(
  deps: DeviceCertDeps,
  tenantId: string,
  anchorId: string,
  input: string | Uint8Array,
): Promise<TrustAnchor & { crl: AnchorCrlSummary }> {
  const { anchor } = await storeAnchorCrl(deps, tenantId, anchorId, input, { onlyIfNewer: false });
  return anchor;
}

/**
 * `setAnchorCrl`; with `onlyIfNewer` a CRL that is not newer than the stored one (by CRL
 * number, else thisUpdate) changes nothing and is no error (`changed: false`).
 */
export async function storeAnchorCrl(
  deps: DeviceCertDeps,
  tenantId: string,
  anchorId: string,
  input: string | Uint8Array,
  options: { onlyIfNewer: boolean },
): Promise<{ anchor: TrustAnchor & { crl: AnchorCrlSummary }; changed: boolean }> {
  if (!isUuid(anchorId)) throw noAnchor();
  const anchor = await readAnchor(deps.db, tenantId, anchorId, false);
  const crl = decode(input);
  const now = deps.platform.clock.now();
  await checkCrl(crl, anchor.certificatePem, now);
  const crlNumber = crlNumberOf(crl);
  const serials = [...new Set(crl.entries.map((e) => normalizeSerial(e.serialNumber)))];
  const summary: AnchorCrlSummary = {
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate ?? null,
    crlNumber: crlNumber === null ? null : crlNumber.toString(),
    revokedCount: serials.length,
  };
  return deps.db.transaction().execute(async (trx) => {
    const stored = await readAnchor(trx, tenantId, anchorId, true);
    if (options.onlyIfNewer && stored.crl && compareToStored(stored.crl, crl, crlNumber) <= 0) {
      return { anchor: { ...stored, crl: stored.crl }, changed: false };
    }
    checkNotOlder(stored.crl, crl, crlNumber);
    const row = await trx
      .updateTable('device_cert_anchors')
      .set({
        crl_this_update: summary.thisUpdate,
        crl_next_update: summary.nextUpdate,
        crl_number: summary.crlNumber,
        crl_revoked_count: summary.revokedCount,
      })
      .where('id', '=', anchorId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('device_cert_anchor_revoked').where('anchor_id', '=', anchorId).execute();
    for (let i = 0; i < serials.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('device_cert_anchor_revoked')
        .values(
          serials
            .slice(i, i + INSERT_CHUNK)
            .map((serial) => ({ anchor_id: anchorId, tenant_id: tenantId, serial })),
        )
        .execute();
    }
    return { anchor: { ...toTrustAnchor(row), crl: summary }, changed: true };
  });
}

/** Removes the anchor's CRL: its certificates are then checked against no list. */
export async function removeAnchorCrl(
  deps: DeviceCertDeps,
  tenantId: string,
  anchorId: string,
): Promise<AnchorCrlSummary> {
  if (!isUuid(anchorId)) throw noAnchor();
  return deps.db.transaction().execute(async (trx) => {
    const { crl } = await readAnchor(trx, tenantId, anchorId, true);
    if (!crl) throw new SekishoError('ERR_NOT_FOUND', 'this trust anchor has no CRL');
    await trx
      .updateTable('device_cert_anchors')
      .set({
        crl_this_update: null,
        crl_next_update: null,
        crl_number: null,
        crl_revoked_count: null,
      })
      .where('id', '=', anchorId)
      .execute();
    await trx.deleteFrom('device_cert_anchor_revoked').where('anchor_id', '=', anchorId).execute();
    return crl;
  });
}
