/**
 * Bulk user import from CSV (UTF-8, with or without BOM; comma-separated, quoted as RFC 4180).
 *
 * Header names (case-insensitive): `login_id` (or `email`), `display_name`, optional
 * `email`, `locale` (ja/en), `status` (active/suspended), `groups` (names separated by `;`)
 * and `attr:<name>` columns for custom attributes. Valid rows are applied in file order up to
 * the contracted user-ID count; every other row is reported with its line and reason, and
 * the rejected rows are kept as a CSV (original columns plus `error`) to fix and re-upload.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { UserInput } from './user-input.ts';
import type { User, UserService } from './user-service.ts';
import { neutralize } from '../audit/audit-csv.ts';

export interface ImportRejection {
  line: number;
  loginId: string;
  reasons: string[];
}

export interface ImportReport {
  importId: string;
  applied: number;
  rejected: ImportRejection[];
  users: User[];
}

const MAX_ROWS = 10_000;

function toInput(header: string[], cells: string[]): UserInput {
  const get = (name: string) => {
    const i = header.indexOf(name);
    return i >= 0 ? (cells[i] ?? '').trim() : '';
  };
  const attributes: Record<string, string> = {};
  header.forEach((h, i) => {
    if (h.startsWith('attr:') && cells[i]?.trim()) attributes[h.slice(5)] = cells[i].trim();
  });
  const locale = get('locale');
  const status = get('status');
  return {
    loginId: get('login_id') || get('email'),
    displayName: get('display_name'),
    email: get('email') || undefined,
    locale: (locale || undefined) as UserInput['locale'],
    status: (status || undefined) as UserInput['status'],
    groups: get('groups')
      .split(';')
      .map((g) => g.trim())
      .filter(Boolean),
    attributes,
  };
}

export function parseUserCsv(text: string): {
  header: string[];
  rows: { line: number; cells: string[] }[];
} {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: false,
    });
  } catch (err) {
    throw new ValidationError([
      { field: 'file', message: `not a readable CSV: ${(err as Error).message}` },
    ]);
  }
  const [head, ...body] = records;
  const header = (head ?? []).map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/^attr:/, 'attr:'),
  );
  if (!header.includes('login_id') && !header.includes('email')) {
    throw new ValidationError([
      { field: 'file', message: 'the header row must name a login_id or email column' },
    ]);
  }
  if (!header.includes('display_name')) {
    throw new ValidationError([
      { field: 'file', message: 'the header row must name a display_name column' },
    ]);
  }
  if (body.length > MAX_ROWS) {
    throw new ValidationError([{ field: 'file', message: `at most ${MAX_ROWS} rows per file` }]);
  }
  // Header is line 1; csv-parse skipped empty lines, so count from the records.
  return { header, rows: body.map((cells, i) => ({ line: i + 2, cells })) };
}

export async function importUsersCsv(
  db: Kysely<Database>,
  users: UserService,
  tenantId: string,
  text: string,
): Promise<ImportReport> {
  const { header, rows } = parseUserCsv(text);
  const results = await users.createMany(
    tenantId,
    rows.map((r) => toInput(header, r.cells)),
  );
  const rejected: ImportRejection[] = [];
  const rejectedCells: string[][] = [];
  const applied: User[] = [];
  for (const r of results) {
    const row = rows[r.index]!;
    if (r.ok) {
      applied.push(r.user);
      continue;
    }
    rejected.push({
      line: row.line,
      loginId: toInput(header, row.cells).loginId,
      reasons: r.reasons,
    });
    rejectedCells.push([
      ...header.map((_, i) => neutralize(row.cells[i] ?? '')),
      r.reasons.join('; '),
    ]);
  }
  const importId = newId();
  const csv =
    '\uFEFF' + stringify([[...header, 'error'], ...rejectedCells], { record_delimiter: '\r\n' });
  await db
    .insertInto('import_jobs')
    .values({ id: importId, tenant_id: tenantId, kind: 'users', rejected_csv: csv })
    .execute();
  return { importId, applied: applied.length, rejected, users: applied };
}

export async function rejectedRowsCsv(
  db: Kysely<Database>,
  tenantId: string,
  importId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('import_jobs')
    .select('rejected_csv')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', importId)
    .executeTakeFirst();
  return row?.rejected_csv;
}
