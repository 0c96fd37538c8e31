/**
 * The compiled access policy of a tenant, as the engine reads it: policy groups with their
 * parsed conditions, user assignments, IP sets compiled for lookup, and the tenant settings.
 * Built once when loaded (or saved) and frozen; the engine never parses text at login time.
 */
import type { Condition } from '../condition-types.ts';

import type { FactorKind } from '@sekisho/platform';
export { FACTOR_KINDS, type FactorKind } from '@sekisho/platform';

export interface PolicyGroup {
  id: string;
  name: string;
  /** Application ids its users may reach, or every application. */
  applications: 'all' | readonly string[];
  /** Condition to allow access. */
  allow: Condition;
  /** Condition under which no second factor is needed. */
  skipSecondFactor: Condition;
  /** Second factors accepted, in order of preference. */
  factors: readonly FactorKind[];
  /** "Remember this login": hours a sign-in lasts (0 = this browser session only). */
  loginLifetimeHours: number;
  /** User groups (by name) whose members belong here unless assigned explicitly. */
  memberGroups: readonly string[];
  /** Among matching group rules the highest priority wins, then name order. */
  rulePriority: number;
}

export interface TenantPolicy {
  tenantId: string;
  timeZone: string;
  groups: ReadonlyMap<string, PolicyGroup>;
  /** The group of users with no assignment; undefined = the built-in default. */
  defaultGroupId: string | undefined;
  assignments: ReadonlyMap<string, string>;
  ipSets: ReadonlyMap<string, { contains(ip: string): boolean }>;
  /** When a successful sign-in earns the browser an entrance pass. */
  passIssuance: Condition;
  passLifetimeDays: number;
}

/**
 * With no policy groups a tenant allows its active users everywhere without a second factor,
 * and asks nobody to enrol one: a new tenant signs in with passwords on day one, and second
 * factors start when an admin creates a policy group (whose factors default to Lock and TOTP).
 */
export const BUILTIN_DEFAULT_GROUP: PolicyGroup = Object.freeze<PolicyGroup>({
  id: 'builtin-default',
  name: 'default',
  applications: 'all',
  allow: { kind: 'const', value: true },
  skipSecondFactor: { kind: 'const', value: true },
  factors: [],
  loginLifetimeHours: 168,
  memberGroups: [],
  rulePriority: 0,
});

/**
 * The policy group of a user: an explicit assignment; else the highest-priority group (then
 * name order) whose member groups include one of the user's groups; else the tenant default;
 * else the built-in default.
 */
export function groupOf(
  policy: TenantPolicy,
  userId: string,
  userGroups: readonly string[] = [],
): PolicyGroup {
  const assigned = policy.assignments.get(userId);
  const explicit = assigned && policy.groups.get(assigned);
  if (explicit) return explicit;
  if (userGroups.length) {
    let best: PolicyGroup | undefined;
    for (const g of policy.groups.values()) {
      if (!g.memberGroups.some((m) => userGroups.includes(m))) continue;
      if (
        !best ||
        g.rulePriority > best.rulePriority ||
        (g.rulePriority === best.rulePriority && g.name < best.name)
      )
        best = g;
    }
    if (best) return best;
  }
  return (
    (policy.defaultGroupId && policy.groups.get(policy.defaultGroupId)) || BUILTIN_DEFAULT_GROUP
  );
}
