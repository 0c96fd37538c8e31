/**
 * Per-tenant Lock settings. A tenant without a row has the defaults (no lock on report, no
 * email codes, 60 s approvals, 24 h emergency codes). Out-of-range values are refused, naming
 * the field, and change nothing.
 */
import { ValidationError, type FieldProblem } from '@sekisho/platform';
import type { LockDeps } from './deps.ts';
import type { LockSettings } from './types.ts';

export const DEFAULT_SETTINGS: Readonly<LockSettings> = Object.freeze({
  lockOnReport: false,
  emailOtpAllowed: false,
  approvalTtlSeconds: 60,
  emergencyCodeHours: 24,
});

export async function getSettings(deps: LockDeps, tenantId: string): Promise<LockSettings> {
  const row = await deps.db
    .selectFrom('lock_settings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (!row) return { ...DEFAULT_SETTINGS };
  return {
    lockOnReport: row.lock_on_report,
    emailOtpAllowed: row.email_otp_allowed,
    approvalTtlSeconds: row.approval_ttl_seconds,
    emergencyCodeHours: row.emergency_code_hours,
  };
}

function check(patch: Partial<LockSettings>): void {
  const problems: FieldProblem[] = [];
  const int = (field: keyof LockSettings, min: number, max: number) => {
    const v = patch[field];
    if (v !== undefined && (!Number.isInteger(v) || Number(v) < min || Number(v) > max))
      problems.push({ field, message: `must be an integer from ${min} to ${max}` });
  };
  int('approvalTtlSeconds', 15, 600);
  int('emergencyCodeHours', 1, 720);
  for (const field of ['lockOnReport', 'emailOtpAllowed'] as const) {
    if (patch[field] !== undefined && typeof patch[field] !== 'boolean')
      problems.push({ field, message: 'must be true or false' });
  }
  if (problems.length) throw new ValidationError(problems);
}

export async function updateSettings(
  deps: LockDeps,
  tenantId: string,
  patch: Partial<LockSettings>,
): Promise<LockSettings> {
  check(patch);
  const next = { ...(await getSettings(deps, tenantId)), ...definedOnly(patch) };
  const values = {
    lock_on_report: next.lockOnReport,
    email_otp_allowed: next.emailOtpAllowed,
    approval_ttl_seconds: next.approvalTtlSeconds,
    emergency_code_hours: next.emergencyCodeHours,
    updated_at: deps.platform.clock.now(),
  };
  await deps.db
    .insertInto('lock_settings')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
    .execute();
  return getSettings(deps, tenantId);
}

function definedOnly(patch: Partial<LockSettings>): Partial<LockSettings> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
