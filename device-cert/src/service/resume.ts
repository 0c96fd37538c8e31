/**
 * Resuming a suspended certificate: an admin who has checked a copy alert (the user changed
 * networks, say) lets the certificate work again.
 *
 * - Only a `suspended` certificate before its notAfter can be resumed (`ERR_DEVICE_CERT_STATUS`).
 * - It returns to what it was: `replacing` when a device swap was under way, `renewed` when a
 *   successor was issued, otherwise `in_use` (a copy is only seen when the certificate is used).
 * - Back in use it counts again, so the contracted count is checked under the tenant row lock
 *   like an issuance (`ERR_DEVICE_CERT_LIMIT`); back to replacing, the 150% total is checked.
 * - Its `certificateHold` entry leaves the CRL in the same transaction (RFC 5280 §5.3.1 lets a
 *   hold, and only a hold, be removed).
 * Detection goes on: a copy seen again suspends it again.
 */
import { SekishoError } from '@sekisho/platform';
import { assertRoomForOne, assertTotalFits, changeUnderContract } from './contract-usage.ts';
import { regenerateCrl } from './crl.ts';
import type { DeviceCertDeps } from './deps.ts';
import { replacingEnds } from './display-status.ts';
import type { DeviceCertificate } from './records.ts';

export async function resume(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
): Promise<DeviceCertificate> {
  return changeUnderContract(deps, tenantId, certId, async ({ trx, usage, cert, now }) => {
    if (cert.status !== 'suspended' || cert.not_after <= now) {
      throw new SekishoError(
        'ERR_DEVICE_CERT_STATUS',
        `only a suspended, unexpired certificate can be resumed (this one is ${cert.status})`,
        { params: { status: cert.status } },
      );
    }
    const successor = await trx
      .selectFrom('device_certificates')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('renewed_from', '=', certId)
      .executeTakeFirst();
    const swapSince = cert.replacing_since;
    const status = swapSince ? 'replacing' : successor ? 'renewed' : 'in_use';
    if (status === 'in_use') assertRoomForOne(usage);
    if (swapSince && replacingEnds(swapSince) > now) assertTotalFits(usage, 1);
    const resumed = await trx
      .updateTable('device_certificates')
      .set({ status, suspended_at: null })
      .where('id', '=', certId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await regenerateCrl(deps, trx, tenantId);
    return resumed;
  });
}
