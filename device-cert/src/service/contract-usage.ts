/**
 * The counting rule of the contracted device-certificate count (issue #5), in one place:
 *
 * - counted: `not_downloaded`, `downloaded` or `in_use`, and before `notAfter`. A renewed
 *   certificate stops counting when its successor is issued (the successor counts), so a
 *   renewal never counts twice; `replacing`, `suspended`, `revoked`, `expired` never count.
 * - replacing: `replacing`, before `notAfter` and within 90 days of the swap's start.
 * - swaps in period: swaps started in the last 350 days, whatever became of the certificate
 *   since (a revoked swap still used up its allowance).
 * - Limits: counted <= contracted; counted + replacing <= floor(1.5 x contracted); swaps in
 *   period <= floor(contracted / 2).
 *
 * `lockContractUsage` locks the tenant row (`SELECT ... FOR UPDATE`) before counting, so
 * concurrent issuances, renewals and swaps of one tenant run one after another and the limits
 * hold across nodes.
 */
import { SekishoError, isUuid } from '@sekisho/platform';
import type { Transaction } from 'kysely';
import type { DeviceCertDatabase } from '../store/tables.ts';
import { REPLACING_DAYS, SWAP_PERIOD_DAYS, daysMs } from './display-status.ts';
import type { DeviceCertDeps } from './deps.ts';
import {
  COUNTED_STATUSES,
  lockCertificate,
  toDeviceCertificate,
  type DeviceCertRow,
  type DeviceCertificate,
} from './records.ts';

export interface ContractUsage {
  /** The contracted count. */
  max: number;
  counted: number;
  replacing: number;
  swapsInPeriod: number;
}

export const swapLimit = (max: number) => Math.floor(max / 2);
export const totalLimit = (max: number) => Math.floor(max * 1.5);

export async function lockContractUsage(
  trx: Transaction<DeviceCertDatabase>,
  tenantId: string,
  now: Date,
): Promise<ContractUsage> {
  const tenant = await trx
    .selectFrom('tenants')
    .select(['max_device_certs'])
    .where('id', '=', tenantId)
    .forUpdate()
    .executeTakeFirst();
  if (!tenant) throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
  const replacingAfter = new Date(now.getTime() - daysMs(REPLACING_DAYS));
  const periodStart = new Date(now.getTime() - daysMs(SWAP_PERIOD_DAYS));
  const row = await trx
    .selectFrom('device_certificates')
    .select((eb) => [
      eb.fn
        .countAll<string>()
        .filterWhere((w) => w.and([w('status', 'in', COUNTED_STATUSES), w('not_after', '>', now)]))
        .as('counted'),
      eb.fn
        .countAll<string>()
        .filterWhere((w) =>
          w.and([
            w('status', '=', 'replacing'),
            w('not_after', '>', now),
            w('replacing_since', '>', replacingAfter),
          ]),
        )
        .as('replacing'),
      eb.fn.countAll<string>().filterWhere('replacing_since', '>', periodStart).as('swaps'),
    ])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return {
    max: tenant.max_device_certs,
    counted: Number(row.counted),
    replacing: Number(row.replacing),
    swapsInPeriod: Number(row.swaps),
  };
}

/** Throws unless one more counted certificate fits (`freed` = one leaves the count with it). */
export function assertRoomForOne(usage: ContractUsage, freed = 0): void {
  const counted = usage.counted - freed;
  if (counted + 1 > usage.max) {
    throw new SekishoError('ERR_DEVICE_CERT_LIMIT', 'contracted device-certificate count reached', {
      params: { max: usage.max },
    });
  }
  assertTotalFits(usage, 1, freed);
}

/** Throws unless counted + replacing, with `adding` more (and `freed` fewer), stays <= 150 %. */
export function assertTotalFits(usage: ContractUsage, adding: number, freed = 0): void {
  const total = totalLimit(usage.max);
  if (usage.counted - freed + usage.replacing + adding > total) {
    throw new SekishoError(
      'ERR_DEVICE_CERT_SWAP_TOTAL_LIMIT',
      'counted plus replacing certificates would exceed 150% of the contracted count',
      { params: { max: total } },
    );
  }
}

export interface LockedChange {
  trx: Transaction<DeviceCertDatabase>;
  usage: ContractUsage;
  cert: DeviceCertRow;
  now: Date;
}

/**
 * Changes one certificate under the tenant's contract lock and the certificate's row lock, so
 * the limits checked in `change` still hold when it commits; returns the changed certificate.
 */
export async function changeUnderContract(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  change: (locked: LockedChange) => Promise<DeviceCertRow>,
): Promise<DeviceCertificate> {
  if (!isUuid(certId)) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  const now = deps.platform.clock.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    const usage = await lockContractUsage(trx, tenantId, now);
    const cert = await lockCertificate(trx, tenantId, certId);
    return change({ trx, usage, cert, now });
  });
  return toDeviceCertificate(row, now);
}
