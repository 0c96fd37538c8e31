/**
 * Bulk assignment of users to policy groups from CSV (UTF-8, with or without BOM;
 * comma-separated, quoted as RFC 4180), in the manner of the user import.
 *
 * Header names (case-insensitive): `login_id` and `policy_group` (a policy group's name; empty
 * = back to the tenant default or group rule). Valid rows are applied; every other row is
 * reported with its line and reasons (unknown user, unknown policy group, listed twice).
 */
import { parse } from 'csv-parse/sync';
import { ValidationError, type User } from '@sekisho/platform';
import type { PolicyStore } from './policy-store.ts';

export interface AssignmentRow {
  line: number;
  loginId: string;
  /** Policy group name; '' = back to the default. */
  group: string;
}

export interface AssignmentRejection {
  line: number;
  loginId: string;
  reasons: string[];
}

export interface AssignmentReport {
  applied: number;
  rejected: AssignmentRejection[];
}

const MAX_ROWS = 10_000;

export function parseAssignmentCsv(text: string): AssignmentRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: false,
    }) as unknown as typeof records;
  } catch (err) {
    throw new ValidationError([
      { field: 'file', message: `not a readable CSV: ${(err as Error).message}` },
    ]);
  }
  const [head, ...body] = records;
  const header = (head?.record ?? []).map((h) => h.trim().toLowerCase());
  const loginCol = header.indexOf('login_id');
  const groupCol = header.indexOf('policy_group');
  if (loginCol < 0 || groupCol < 0) {
    throw new ValidationError([
      { field: 'file', message: 'the header row must name login_id and policy_group columns' },
    ]);
  }
  if (body.length > MAX_ROWS) {
    throw new ValidationError([{ field: 'file', message: `at most ${MAX_ROWS} rows per file` }]);
  }
  return body.map(({ record, info }) => ({
    line: info.lines,
    loginId: (record[loginCol] ?? '').trim(),
    group: (record[groupCol] ?? '').trim(),
  }));
}

export async function applyAssignmentCsv(
  deps: {
    store: PolicyStore;
    users: { getByLoginId(tenantId: string, loginId: string): Promise<User | undefined> };
  },
  tenantId: string,
  text: string,
): Promise<AssignmentReport> {
  const rows = parseAssignmentCsv(text);
  const groups = new Map((await deps.store.listGroups(tenantId)).map((g) => [g.name, g.id]));
  const rejected: AssignmentRejection[] = [];
  const byGroup = new Map<string | null, string[]>();
  const seen = new Map<string, number>();
  for (const row of rows) {
    const reasons: string[] = [];
    let user: User | undefined;
    if (!row.loginId) reasons.push('login_id is empty');
    else {
      user = await deps.users.getByLoginId(tenantId, row.loginId);
      if (!user) reasons.push(`unknown user '${row.loginId}'`);
      else if (seen.has(user.id)) reasons.push(`user already listed on line ${seen.get(user.id)}`);
    }
    const groupId = row.group ? groups.get(row.group) : null;
    if (groupId === undefined) reasons.push(`unknown policy group '${row.group}'`);
    if (reasons.length || !user || groupId === undefined) {
      rejected.push({ line: row.line, loginId: row.loginId, reasons });
      continue;
    }
    seen.set(user.id, row.line);
    const members = byGroup.get(groupId) ?? [];
    members.push(user.id);
    byGroup.set(groupId, members);
  }
  let applied = 0;
  for (const [groupId, userIds] of byGroup) {
    await deps.store.assign(tenantId, userIds, groupId);
    applied += userIds.length;
  }
  return { applied, rejected };
}
