/**
 * Per-tenant device-certificate settings, with defaults when a tenant never saved any:
 * validity of a new certificate (365 days), automatic suspension of a certificate suspected of
 * being copied (off), and the defaults of a PKCS#12 download link (3 downloads, 72 hours).
 */
import { SekishoError, ValidationError, type FieldProblem } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { MAX_VALIDITY_DAYS } from './issue-input.ts';

export interface DeviceCertSettings {
  validityDays: number;
  autoSuspendCopies: boolean;
  downloadLimit: number;
  downloadHours: number;
}

export type DeviceCertSettingsPatch = Partial<DeviceCertSettings>;

export const MAX_DOWNLOAD_LIMIT = 10;
export const MAX_DOWNLOAD_HOURS = 720;

export async function getSettings(
  deps: DeviceCertDeps,
  tenantId: string,
): Promise<DeviceCertSettings> {
  const row = await deps.db
    .selectFrom('device_cert_settings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (!row) {
    return {
      validityDays: deps.validityDays,
      autoSuspendCopies: false,
      downloadLimit: 3,
      downloadHours: 72,
    };
  }
  return {
    validityDays: row.validity_days,
    autoSuspendCopies: row.auto_suspend_copies,
    downloadLimit: row.download_limit,
    downloadHours: row.download_hours,
  };
}

function checkPatch(patch: DeviceCertSettingsPatch): void {
  const problems: FieldProblem[] = [];
  const int = (field: keyof DeviceCertSettings, value: unknown, max: number) => {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      problems.push({ field, message: `must be an integer from 1 to ${max}` });
    }
  };
  int('validityDays', patch.validityDays, MAX_VALIDITY_DAYS);
  int('downloadLimit', patch.downloadLimit, MAX_DOWNLOAD_LIMIT);
  int('downloadHours', patch.downloadHours, MAX_DOWNLOAD_HOURS);
  if (patch.autoSuspendCopies !== undefined && typeof patch.autoSuspendCopies !== 'boolean') {
    problems.push({ field: 'autoSuspendCopies', message: 'must be true or false' });
  }
  if (problems.length) throw new ValidationError(problems);
}

/** Only the given fields change (one UPDATE), so two admins editing different fields both win. */
export async function updateSettings(
  deps: DeviceCertDeps,
  tenantId: string,
  patch: DeviceCertSettingsPatch,
): Promise<DeviceCertSettings> {
  checkPatch(patch);
  if (!(await deps.platform.tenants.get(tenantId))) {
    throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
  }
  const defaults = await getSettings(deps, tenantId);
  await deps.db
    .insertInto('device_cert_settings')
    .values({
      tenant_id: tenantId,
      validity_days: defaults.validityDays,
      auto_suspend_copies: defaults.autoSuspendCopies,
      download_limit: defaults.downloadLimit,
      download_hours: defaults.downloadHours,
    })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  await deps.db
    .updateTable('device_cert_settings')
    .set({
      ...(patch.validityDays !== undefined && { validity_days: patch.validityDays }),
      ...(patch.autoSuspendCopies !== undefined && {
        auto_suspend_copies: patch.autoSuspendCopies,
      }),
      ...(patch.downloadLimit !== undefined && { download_limit: patch.downloadLimit }),
      ...(patch.downloadHours !== undefined && { download_hours: patch.downloadHours }),
      updated_at: deps.platform.clock.now(),
    })
    .where('tenant_id', '=', tenantId)
    .execute();
  return getSettings(deps, tenantId);
}
