/**
 * Loads and compiles a tenant's policy (conditions parsed, IP sets compiled) and keeps it per
 * node until the tenant's policy version in the shared store changes: one small read per
 * decision, and a change saved on any node applies on every node at the next decision.
 */
import type { Kysely } from 'kysely';
import type { Kv, Tenant } from '@sekisho/platform';
import { parseCondition } from '../condition/parse.ts';
import { compileIpSets, validateIpSet } from '../ip-set/index.ts';
import type { PolicyDatabase } from '../store/tables.ts';
import { policyVersionKey } from '../store/policy-store.ts';
import type { FactorKind, PolicyGroup, TenantPolicy } from './policy-model.ts';

export function createPolicyLoader(db: Kysely<PolicyDatabase>, kv: Kv) {
  const cache = new Map<string, { version: string; policy: TenantPolicy }>();

  async function compile(tenant: Tenant): Promise<TenantPolicy> {
    const [sets, groups, assignments, settings] = await Promise.all([
      db.selectFrom('ip_sets').selectAll().where('tenant_id', '=', tenant.id).execute(),
      db.selectFrom('policy_groups').selectAll().where('tenant_id', '=', tenant.id).execute(),
      db.selectFrom('policy_assignments').selectAll().where('tenant_id', '=', tenant.id).execute(),
      db
        .selectFrom('policy_settings')
        .selectAll()
        .where('tenant_id', '=', tenant.id)
        .executeTakeFirst(),
    ]);
    const known = new Set(sets.map((s) => s.identifier));
    const compiledGroups = new Map<string, PolicyGroup>(
      groups.map((g) => [
        g.id,
        {
          id: g.id,
          name: g.name,
          applications: g.applications,
          allow: parseCondition(g.allow_condition, known),
          skipSecondFactor: parseCondition(g.skip_condition, known),
          factors: g.factors as FactorKind[],
          loginLifetimeHours: g.login_lifetime_hours,
          memberGroups: g.member_groups,
          rulePriority: g.rule_priority,
        },
      ]),
    );
    return Object.freeze({
      tenantId: tenant.id,
      timeZone: tenant.timeZone,
      groups: compiledGroups,
      defaultGroupId: groups.find((g) => g.is_default)?.id,
      assignments: new Map(assignments.map((a) => [a.user_id, a.policy_group_id])),
      ipSets: compileIpSets(
        sets.map((s) =>
          validateIpSet({ identifier: s.identifier, name: s.name, entries: s.entries }),
        ),
      ),
      passIssuance: parseCondition(settings?.pass_issuance_condition ?? 'false', known),
      passLifetimeDays: settings?.pass_lifetime_days ?? 365,
    });
  }

  return {
    /** The tenant's current compiled policy; throws (and the caller denies) if it cannot be read. */
    async load(tenant: Tenant): Promise<TenantPolicy> {
      const version = (await kv.get(policyVersionKey(tenant.id))) ?? '0';
      const cached = cache.get(tenant.id);
      if (cached && cached.version === version && cached.policy.timeZone === tenant.timeZone)
        return cached.policy;
      const policy = await compile(tenant);
      cache.set(tenant.id, { version, policy });
      return policy;
    },
  };
}

export type PolicyLoader = ReturnType<typeof createPolicyLoader>;
