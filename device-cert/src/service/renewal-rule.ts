/**
 * When a certificate may be renewed (issue #5): it still counts (not downloaded, downloaded or
 * in use), it is still valid, and it ends within 30 days ("expiring soon"). Renewal is for the
 * same device, so the successor copies user, device and login type.
 */
import { SekishoError } from '@sekisho/platform';
import type { Transaction } from 'kysely';
import type { DeviceCertDatabase } from '../store/tables.ts';
import { EXPIRING_SOON_DAYS, daysMs } from './display-status.ts';
import { COUNTED_STATUSES, lockCertificate, type DeviceCertRow } from './records.ts';

export function assertRenewable(row: DeviceCertRow, now: Date): void {
  if (!COUNTED_STATUSES.includes(row.status) || row.not_after.getTime() <= now.getTime()) {
    throw new SekishoError(
      'ERR_DEVICE_CERT_STATUS',
      `a ${row.status} certificate cannot be renewed`,
      {
        params: { status: row.status },
      },
    );
  }
  if (row.not_after.getTime() - now.getTime() > daysMs(EXPIRING_SOON_DAYS)) {
    throw new SekishoError(
      'ERR_DEVICE_CERT_RENEWAL_NOT_ALLOWED',
      `renewal opens ${EXPIRING_SOON_DAYS} days before the certificate ends`,
      { params: { days: EXPIRING_SOON_DAYS } },
    );
  }
}

/**
 * Inside the issuing transaction: locks the certificate being renewed, checks the rule again
 * (a concurrent renewal or revocation may have won) and marks it `renewed`. It keeps working
 * until its own `notAfter`, but no longer counts: its successor does.
 */
export async function claimForRenewal(
  trx: Transaction<DeviceCertDatabase>,
  tenantId: string,
  certId: string,
  now: Date,
): Promise<void> {
  const row = await lockCertificate(trx, tenantId, certId);
  assertRenewable(row, now);
  await trx
    .updateTable('device_certificates')
    .set({ status: 'renewed' })
    .where('id', '=', certId)
    .execute();
}
