/**
 * The compiled access policy of a tenant, as the engine reads it: policy groups with their
 * parsed conditions, user assignments, IP sets compiled for lookup, and the tenant settings.
 * Built once when loaded (or saved) and frozen; the engine never parses text at login time.
 */
import type { Condition } from '../condition-types.ts';

export type FactorKind = 'lock' | 'totp' | 'email_otp';
export const FACTOR_KINDS: readonly FactorKind[] = ['lock', 'totp', 'email_otp'];

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

/** With no policy groups a tenant allows its active users everywhere without a second factor. */
export const BUILTIN_DEFAULT_GROUP: PolicyGroup = Object.freeze<PolicyGroup>({
  id: 'builtin-default',
  name: 'default',
  applications: 'all',
  allow: { kind: 'const', value: true },
  skipSecondFactor: { kind: 'const', value: true },
  factors: ['lock', 'totp'],
  loginLifetimeHours: 168,
});

export function groupOf(policy: TenantPolicy, userId: string): PolicyGroup {
  const id = policy.assignments.get(userId) ?? policy.defaultGroupId;
  return (id && policy.groups.get(id)) || BUILTIN_DEFAULT_GROUP;
}
