/**
 * Device swap (issue #5): an admin marks a certificate as being replaced, so the replacement
 * can be issued before the old device is handed in.
 *
 * - Only a counted, still valid certificate can be marked (`ERR_DEVICE_CERT_STATUS`).
 * - It stops counting at once and stops working 90 days later (verification refuses it after
 *   `replacing_since` + 90 days), or earlier when revoked.
 * - Swaps started in the last 350 days <= floor(contracted / 2) (`ERR_DEVICE_CERT_SWAP_LIMIT`),
 *   and counted + replacing <= floor(1.5 x contracted) (`ERR_DEVICE_CERT_SWAP_TOTAL_LIMIT`).
 * - Checked and written under the tenant row lock (`contract-usage.ts`), so concurrent swaps
 *   on any node never pass the limits.
 */
import { SekishoError } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { SWAP_PERIOD_DAYS } from './display-status.ts';
import { assertTotalFits, changeUnderContract, swapLimit } from './contract-usage.ts';
import { COUNTED_STATUSES, type DeviceCertificate } from './records.ts';

export async function markReplacing(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
): Promise<DeviceCertificate> {
  return changeUnderContract(deps, tenantId, certId, async ({ trx, usage, cert, now }) => {
    if (!COUNTED_STATUSES.includes(cert.status) || cert.not_after <= now) {
      throw new SekishoError(
        'ERR_DEVICE_CERT_STATUS',
        `a ${cert.status} certificate cannot be marked as being replaced`,
        { params: { status: cert.status } },
      );
    }
    if (usage.swapsInPeriod + 1 > swapLimit(usage.max)) {
      throw new SekishoError(
        'ERR_DEVICE_CERT_SWAP_LIMIT',
        `at most half the contracted count may be swapped in ${SWAP_PERIOD_DAYS} days`,
        { params: { max: swapLimit(usage.max), days: SWAP_PERIOD_DAYS } },
      );
    }
    // The certificate moves from counted to replacing: the sum stays, unless already over.
    assertTotalFits(usage, 0);
    return trx
      .updateTable('device_certificates')
      .set({ status: 'replacing', replacing_since: now })
      .where('id', '=', certId)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
