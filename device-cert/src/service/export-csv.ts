/**
 * The filtered certificate list as CSV (RFC 4180, CRLF, header row), UTF-8 with a BOM so
 * Excel reads Japanese device descriptions correctly. Cells a spreadsheet would run as a
 * formula are neutralized (CSV injection): device descriptions come from admins' uploads.
 */
import { stringify } from 'csv-stringify/sync';
import { neutralize } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { listCertificates, type DeviceCertFilter } from './list-certificates.ts';

export const EXPORT_COLUMNS = [
  'id',
  'login_id',
  'serial',
  'os',
  'device_id_type',
  'device_id',
  'description',
  'login_type',
  'status',
  'not_before',
  'not_after',
  'last_used_at',
  'last_used_ip',
  'mail_status',
  'created_at',
] as const;

export async function exportCsv(
  deps: DeviceCertDeps,
  tenantId: string,
  filter: DeviceCertFilter = {},
): Promise<string> {
  const certs = await listCertificates(deps, tenantId, filter);
  const users = await deps.db
    .selectFrom('users')
    .select(['id', 'login_id'])
    .where('tenant_id', '=', tenantId)
    .execute();
  const loginIds = new Map(users.map((u) => [u.id, u.login_id]));
  const iso = (d: Date | null) => (d ? d.toISOString() : '');
  const records = certs.map((c) =>
    [
      c.id,
      loginIds.get(c.userId) ?? '',
      c.serial,
      c.device.os,
      c.device.deviceIdType,
      c.device.deviceId,
      c.device.description,
      c.loginType,
      c.displayStatus,
      iso(c.notBefore),
      iso(c.notAfter),
      iso(c.lastUsedAt),
      c.lastUsedIp ?? '',
      c.mail.status,
      iso(c.createdAt),
    ].map(neutralize),
  );
  return '\uFEFF' + stringify([[...EXPORT_COLUMNS], ...records], { record_delimiter: '\r\n' });
}
