/** The audit log as CSV (RFC 4180, UTF-8 with BOM so spreadsheet tools read Japanese). */
import { stringify } from 'csv-stringify/sync';
import type { AuditRow } from '../db/schema.ts';

const COLUMNS = [
  'id',
  'at',
  'actor_type',
  'actor_id',
  'actor_name',
  'action',
  'target_type',
  'target_id',
  'result',
  'reason',
  'ip',
  'user_agent',
  'request_id',
  'reference',
  'details',
] as const;

/** Cells a spreadsheet would run as a formula get a leading quote (CSV injection). */
export function neutralize(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function auditToCsv(rows: readonly AuditRow[]): string {
  const records = rows.map((r) =>
    COLUMNS.map((c) => {
      const v = r[c];
      if (v instanceof Date) return v.toISOString();
      if (c === 'details') return JSON.stringify(v ?? {});
      return v === null || v === undefined ? '' : neutralize(String(v as string));
    }),
  );
  return '\uFEFF' + stringify([[...COLUMNS], ...records], { record_delimiter: '\r\n' });
}
