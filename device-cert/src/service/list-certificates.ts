/**
 * The admin list of a tenant's certificates and a user's own list for the portal.
 *
 * - Filters: display status (derived from the clock, see `display-status.ts`), OS, login
 *   type, user, last use (before/after, or never used) and end of validity (before/after).
 * - A bad filter is refused naming the field, never silently ignored (an ignored status
 *   filter would show an admin every certificate as if it matched).
 */
import { ValidationError, type FieldProblem } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { DISPLAY_STATUSES, type DisplayStatus } from './display-status.ts';
import { LOGIN_TYPES } from './issue-input.ts';
import { toDeviceCertificate, type DeviceCertificate, type LoginType } from './records.ts';

export interface DeviceCertFilter {
  status?: DisplayStatus | undefined;
  os?: string | undefined;
  loginType?: LoginType | undefined;
  userId?: string | undefined;
  lastUsedBefore?: Date | undefined;
  lastUsedAfter?: Date | undefined;
  notAfterBefore?: Date | undefined;
  notAfterAfter?: Date | undefined;
  neverUsed?: boolean | undefined;
}

function checkFilter(f: DeviceCertFilter): void {
  const problems: FieldProblem[] = [];
  if (f.status !== undefined && !(DISPLAY_STATUSES as readonly string[]).includes(f.status)) {
    problems.push({ field: 'status', message: `must be one of ${DISPLAY_STATUSES.join(', ')}` });
  }
  if (f.loginType !== undefined && !LOGIN_TYPES.includes(f.loginType)) {
    problems.push({ field: 'loginType', message: `must be one of ${LOGIN_TYPES.join(', ')}` });
  }
  for (const key of [
    'lastUsedBefore',
    'lastUsedAfter',
    'notAfterBefore',
    'notAfterAfter',
  ] as const) {
    const d = f[key];
    if (d !== undefined && (!(d instanceof Date) || Number.isNaN(d.getTime()))) {
      problems.push({ field: key, message: 'must be a valid date' });
    }
  }
  if (problems.length) throw new ValidationError(problems);
}

export async function listCertificates(
  deps: DeviceCertDeps,
  tenantId: string,
  filter: DeviceCertFilter = {},
): Promise<DeviceCertificate[]> {
  checkFilter(filter);
  let q = deps.db.selectFrom('device_certificates').selectAll().where('tenant_id', '=', tenantId);
  if (filter.os !== undefined) q = q.where('os', '=', filter.os);
  if (filter.loginType !== undefined) q = q.where('login_type', '=', filter.loginType);
  if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
  if (filter.lastUsedBefore) q = q.where('last_used_at', '<', filter.lastUsedBefore);
  if (filter.lastUsedAfter) q = q.where('last_used_at', '>', filter.lastUsedAfter);
  if (filter.notAfterBefore) q = q.where('not_after', '<', filter.notAfterBefore);
  if (filter.notAfterAfter) q = q.where('not_after', '>', filter.notAfterAfter);
  if (filter.neverUsed === true) q = q.where('last_used_at', 'is', null);
  if (filter.neverUsed === false) q = q.where('last_used_at', 'is not', null);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  const now = deps.platform.clock.now();
  const certs = rows.map((r) => toDeviceCertificate(r, now));
  return filter.status ? certs.filter((c) => c.displayStatus === filter.status) : certs;
}
