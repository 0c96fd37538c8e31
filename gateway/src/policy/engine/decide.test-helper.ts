/**
 * Table rows for the engine tests: (policy, subject, application, context) -> decision kind,
 * reason, group and factors. Policies are built from condition text with the real parser and
 * IP sets with the real compiler; nothing touches a database.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCondition } from '../condition/index.ts';
import { compileIpSets, validateIpSet } from '../ip-set/index.ts';
import {
  decide,
  type Decision,
  type PolicyContext,
  type PolicySubject,
  type Stage,
} from './decide.ts';
import type { FactorKind, PolicyGroup, TenantPolicy } from './policy-model.ts';

export interface GroupSpec {
  /** Also the group's id. */
  name: string;
  allow?: string;
  skip?: string;
  applications?: 'all' | string[];
  factors?: FactorKind[];
}

export interface PolicySpec {
  groups?: GroupSpec[];
  /** Name of the tenant default group. */
  defaultGroup?: string;
  /** user id -> group name */
  assignments?: Record<string, string>;
  ipSets?: Record<string, string[]>;
  timeZone?: string;
}

export function tenantPolicy(spec: PolicySpec = {}): TenantPolicy {
  const sets = Object.entries(spec.ipSets ?? {});
  const known = new Set(sets.map(([id]) => id));
  const group = (g: GroupSpec): PolicyGroup => ({
    id: g.name,
    name: g.name,
    applications: g.applications ?? 'all',
    allow: parseCondition(g.allow ?? 'true', known),
    skipSecondFactor: parseCondition(g.skip ?? 'false', known),
    factors: g.factors ?? ['lock', 'totp'],
    loginLifetimeHours: 168,
    memberGroups: [],
    rulePriority: 0,
  });
  return {
    tenantId: 'tenant-1',
    timeZone: spec.timeZone ?? 'Asia/Tokyo',
    groups: new Map((spec.groups ?? []).map((g) => [g.name, group(g)])),
    defaultGroupId: spec.defaultGroup,
    assignments: new Map(Object.entries(spec.assignments ?? {})),
    ipSets: compileIpSets(
      sets.map(([identifier, entries]) => validateIpSet({ identifier, name: identifier, entries })),
    ),
    passIssuance: parseCondition('false'),
    passLifetimeDays: 365,
  };
}

/** Alice, active, in the Sales group, with TOTP set up. */
export const alice: PolicySubject = {
  id: 'u-alice',
  loginId: 'alice@acme.example',
  status: 'active',
  groups: ['Sales'],
  attributes: { employment: 'contractor' },
  enrolledFactors: ['totp'],
};

/** Monday 2026-06-15 12:00 in Tokyo (03:00 UTC). */
export const MONDAY_NOON_TOKYO = new Date('2026-06-15T03:00:00Z');

export interface Row {
  name: string;
  policy: TenantPolicy;
  /** Default: 'application' when an application is given, else 'post-auth'. */
  stage?: Stage;
  /** Overrides of alice; null = the user is not known yet. */
  subject?: Partial<PolicySubject> | null;
  application?: string;
  context?: Partial<PolicyContext>;
  /** Default: lock and TOTP. */
  availableFactors?: FactorKind[];
  expect: { kind: Decision['kind']; reason: string; group?: string; factors?: FactorKind[] };
}

/** A row without its name and expectation: what the engine is asked. */
export type Ask = Omit<Row, 'name' | 'expect'>;

export function decideRow(row: Ask): Decision {
  const stage = row.stage ?? (row.application ? 'application' : 'post-auth');
  return decide(row.policy, {
    stage,
    subject: row.subject === null ? undefined : { ...alice, ...row.subject },
    application: row.application === undefined ? undefined : { id: row.application },
    context: { ip: '192.0.2.10', at: MONDAY_NOON_TOKYO, amr: ['pwd'], ...row.context },
    availableFactors: row.availableFactors ?? ['lock', 'totp'],
  });
}

/** One test per row, comparing only the fields the row states. */
export function table(rows: readonly Row[]): void {
  for (const row of rows) {
    test(row.name, () => {
      const d = decideRow(row);
      const got: Record<string, unknown> = { kind: d.kind, reason: d.reason };
      if (row.expect.group !== undefined) got.group = d.group;
      if (row.expect.factors !== undefined) got.factors = d.kind === 'challenge' ? d.factors : [];
      assert.deepEqual(got, row.expect, JSON.stringify(d.trace));
    });
  }
}
