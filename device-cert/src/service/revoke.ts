/**
 * Revocation: the row is marked revoked and the CRL reissued in the same transaction, so the
 * published CRL never lags the database. Verification reads the row on every request, so
 * every node denies the certificate as soon as this commits (no cache to wait out).
 */
import { SekishoError, ValidationError, isUuid } from '@sekisho/platform';
import { regenerateCrl } from './crl.ts';
import type { DeviceCertDeps } from './deps.ts';
import { toDeviceCertificate, type DeviceCertificate } from './records.ts';

/** RFC 5280 §5.3.1 reason names, as openssl's index.txt spells them. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

function checkReason(reason: RevocationReason): void {
  if (!REVOCATION_REASONS.includes(reason)) {
    throw new ValidationError([
      { field: 'reason', message: `must be one of ${REVOCATION_REASONS.join(', ')}` },
    ]);
  }
}

export async function revoke(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  reason: RevocationReason,
): Promise<DeviceCertificate> {
  checkReason(reason);
  if (!isUuid(certId)) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('device_certificates')
      .set({ status: 'revoked', revoked_at: deps.platform.clock.now(), revocation_reason: reason })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', certId)
      .where('status', '<>', 'revoked')
      .returningAll()
      .executeTakeFirst();
    if (!row) {
      const exists = await trx
        .selectFrom('device_certificates')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', certId)
        .executeTakeFirst();
      if (!exists) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
      return toDeviceCertificate(exists, deps.platform.clock.now());
    }
    await regenerateCrl(deps, trx, tenantId);
    return toDeviceCertificate(row, deps.platform.clock.now());
  });
}

/** Revokes every unrevoked certificate of a user; returns how many were revoked. */
export async function revokeAllOfUser(
  deps: DeviceCertDeps,
  tenantId: string,
  userId: string,
  reason: RevocationReason,
): Promise<number> {
  checkReason(reason);
  return deps.db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable('device_certificates')
      .set({ status: 'revoked', revoked_at: deps.platform.clock.now(), revocation_reason: reason })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '<>', 'revoked')
      .returning('id')
      .execute();
    if (rows.length) await regenerateCrl(deps, trx, tenantId);
    return rows.length;
  });
}
