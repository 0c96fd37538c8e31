/**
 * What the tenant CA's CRL lists (RFC 5280 §5.3.1 reason codes), so that a relying party that
 * checks only the CRL (a VPN, Wi-Fi, an MDM) refuses every certificate Sekisho refuses:
 *
 * - revoked: the reason the admin gave, dated at the revocation;
 * - suspended (a suspected copy): `certificateHold`, dated at the suspension, and dropped from
 *   the CRL again when an admin resumes the certificate (the one reason that may be undone);
 * - a device swap past its 90 days: `superseded`, dated at the swap's end;
 * - deleted with its user before its notAfter (`device_cert_withdrawn`): the reason it was
 *   revoked with, else `cessationOfOperation`.
 */
import type { Transaction } from 'kysely';
import type { DeviceCertDatabase } from '../store/tables.ts';
import { REPLACING_DAYS, daysMs, replacingEnds } from './display-status.ts';

export interface CrlEntry {
  serial: string;
  notAfter: Date;
  revokedAt: Date;
  reason: string;
}

export async function crlEntries(
  trx: Transaction<DeviceCertDatabase>,
  tenantId: string,
  now: Date,
): Promise<CrlEntry[]> {
  const swapEndedBefore = new Date(now.getTime() - daysMs(REPLACING_DAYS));
  const rows = await trx
    .selectFrom('device_certificates')
    .select([
      'serial',
      'status',
      'not_after',
      'revoked_at',
      'revocation_reason',
      'suspended_at',
      'replacing_since',
    ])
    .where('tenant_id', '=', tenantId)
    .where((w) =>
      w.or([
        w('status', 'in', ['revoked', 'suspended']),
        w.and([w('status', '=', 'replacing'), w('replacing_since', '<=', swapEndedBefore)]),
      ]),
    )
    .execute();
  const entries = rows.map((r): CrlEntry => {
    if (r.status === 'suspended') {
      return {
        serial: r.serial,
        notAfter: r.not_after,
        revokedAt: r.suspended_at ?? now,
        reason: 'certificateHold',
      };
    }
    if (r.status === 'replacing') {
      return {
        serial: r.serial,
        notAfter: r.not_after,
        revokedAt: replacingEnds(r.replacing_since ?? now),
        reason: 'superseded',
      };
    }
    return {
      serial: r.serial,
      notAfter: r.not_after,
      revokedAt: r.revoked_at ?? r.not_after,
      reason: r.revocation_reason ?? 'unspecified',
    };
  });
  const withdrawn = await trx
    .selectFrom('device_cert_withdrawn')
    .select(['serial', 'not_after', 'revoked_at', 'revocation_reason'])
    .where('tenant_id', '=', tenantId)
    .execute();
  for (const w of withdrawn) {
    entries.push({
      serial: w.serial,
      notAfter: w.not_after,
      revokedAt: w.revoked_at,
      reason: w.revocation_reason,
    });
  }
  return entries.sort((a, b) => compareSerials(a.serial, b.serial));
}

/** Serials are upper-case hex without leading zeros: shorter is smaller. */
function compareSerials(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * True when a swap ended between the stored CRL's thisUpdate and `now`: the CRL must be
 * reissued to list it, though nothing was written to the database.
 */
export async function swapEndedSince(
  db: Pick<Transaction<DeviceCertDatabase>, 'selectFrom'>,
  tenantId: string,
  thisUpdate: Date,
  now: Date,
): Promise<boolean> {
  const span = daysMs(REPLACING_DAYS);
  const row = await db
    .selectFrom('device_certificates')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'replacing')
    .where('replacing_since', '>', new Date(thisUpdate.getTime() - span))
    .where('replacing_since', '<=', new Date(now.getTime() - span))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
