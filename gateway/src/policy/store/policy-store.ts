/**
 * Saving the access policy of a tenant. Every input is parsed and checked here, when saved
 * (IP set entries, conditions against the tenant's IP set identifiers, factors, lifetimes),
 * so the engine never sees raw text. Each change bumps the tenant's policy version in the
 * shared store, so every node reloads before its next decision: changes apply from each
 * user's next sign-in and to every application reached afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { SekishoError, ValidationError, type Kv } from '@sekisho/platform';
import { validateIpSet } from '../ip-set/index.ts';
import { parseCondition } from '../condition/parse.ts';
import { FACTOR_KINDS, type FactorKind } from '../engine/policy-model.ts';
import type { PolicyDatabase } from './tables.ts';

export interface IpSetRecord {
  id: string;
  identifier: string;
  name: string;
  entries: string[];
}

export interface PolicyGroupInput {
  name: string;
  isDefault?: boolean;
  applications?: 'all' | string[];
  allowCondition?: string;
  skipSecondFactorCondition?: string;
  factors?: string[];
  loginLifetimeHours?: number;
  /** User groups (by name) whose members belong here unless assigned explicitly. */
  memberGroups?: string[];
  /** Among group rules that match a user, the highest priority wins (then name order). */
  rulePriority?: number;
}

export interface PolicyGroupRecord extends Required<Omit<PolicyGroupInput, 'factors'>> {
  id: string;
  factors: FactorKind[];
}

export const policyVersionKey = (tenantId: string) => `policy:version:${tenantId}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createPolicyStore(db: Kysely<PolicyDatabase>, kv: Kv) {
  const bump = (tenantId: string) => kv.increment(policyVersionKey(tenantId));
  const conflict = (what: string) => (err: unknown) => {
    if ((err as { code?: string }).code === '23505')
      throw new SekishoError('ERR_CONFLICT', `${what} exists`);
    throw err;
  };
  const ipSetIds = async (tenantId: string) =>
    new Set(
      (
        await db
          .selectFrom('ip_sets')
          .select('identifier')
          .where('tenant_id', '=', tenantId)
          .execute()
      ).map((r) => r.identifier),
    );

  async function checkGroup(tenantId: string, input: PolicyGroupInput) {
    const problems: { field: string; message: string }[] = [];
    const known = await ipSetIds(tenantId);
    const condition = (field: string, text: string) => {
      try {
        parseCondition(text, known);
      } catch (err) {
        problems.push({ field, message: (err as Error).message });
      }
    };
    if (!input.name?.trim() || input.name.length > 100)
      problems.push({ field: 'name', message: 'must be 1-100 characters' });
    condition('allowCondition', input.allowCondition ?? 'true');
    condition('skipSecondFactorCondition', input.skipSecondFactorCondition ?? 'false');
    const factors = input.factors ?? ['lock', 'totp'];
    if (!factors.length || factors.some((f) => !(FACTOR_KINDS as readonly string[]).includes(f))) {
      problems.push({ field: 'factors', message: `must list some of ${FACTOR_KINDS.join(', ')}` });
    }
    const hours = input.loginLifetimeHours ?? 168;
    if (!Number.isInteger(hours) || hours < 0 || hours > 744)
      problems.push({ field: 'loginLifetimeHours', message: 'must be an integer from 0 to 744' });
    const apps = input.applications ?? 'all';
    if (
      apps !== 'all' &&
      (!Array.isArray(apps) || apps.some((a) => typeof a !== 'string' || !UUID.test(a)))
    ) {
      problems.push({
        field: 'applications',
        message: "must be 'all' or a list of application ids",
      });
    }
    const memberGroups = input.memberGroups ?? [];
    if (
      !Array.isArray(memberGroups) ||
      memberGroups.some((g) => typeof g !== 'string' || !g.trim() || g.length > 200)
    ) {
      problems.push({ field: 'memberGroups', message: 'must be a list of user group names' });
    }
    const priority = input.rulePriority ?? 0;
    if (!Number.isInteger(priority) || Math.abs(priority) > 1_000_000)
      problems.push({
        field: 'rulePriority',
        message: 'must be an integer from -1000000 to 1000000',
      });
    if (problems.length) throw new ValidationError(problems);
    const groups = [...new Set(memberGroups.map((g) => g.trim()))];
    return { factors, hours, apps, memberGroups: groups, priority };
  }

  const toGroup = (r: Selectable<PolicyDatabase['policy_groups']>): PolicyGroupRecord => ({
    id: r.id,
    name: r.name,
    isDefault: r.is_default,
    applications: r.applications,
    allowCondition: r.allow_condition,
    skipSecondFactorCondition: r.skip_condition,
    factors: r.factors as FactorKind[],
    loginLifetimeHours: r.login_lifetime_hours,
    memberGroups: r.member_groups,
    rulePriority: r.rule_priority,
  });

  return {
    async listIpSets(tenantId: string): Promise<IpSetRecord[]> {
      const rows = await db
        .selectFrom('ip_sets')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('identifier')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        identifier: r.identifier,
        name: r.name,
        entries: r.entries,
      }));
    },
    async saveIpSet(
      tenantId: string,
      input: { identifier: string; name: string; entries: string[] },
      id?: string,
    ): Promise<IpSetRecord> {
      validateIpSet(input);
      const values = {
        identifier: input.identifier,
        name: input.name.trim(),
        entries: JSON.stringify(input.entries),
        updated_at: new Date(),
      };
      const row = id
        ? await db
            .updateTable('ip_sets')
            .set(values)
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirst()
            .catch(conflict('an IP set with this identifier'))
        : await db
            .insertInto('ip_sets')
            .values({ id: randomUUID(), tenant_id: tenantId, ...values })
            .returningAll()
            .executeTakeFirst()
            .catch(conflict('an IP set with this identifier'));
      if (!row) throw new SekishoError('ERR_NOT_FOUND', 'no such IP set');
      await bump(tenantId);
      return { id: row.id, identifier: row.identifier, name: row.name, entries: row.entries };
    },
    async deleteIpSet(tenantId: string, id: string): Promise<void> {
      const set = await db
        .selectFrom('ip_sets')
        .select('identifier')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!set) throw new SekishoError('ERR_NOT_FOUND', 'no such IP set');
      const groups = await db
        .selectFrom('policy_groups')
        .select(['name', 'allow_condition', 'skip_condition'])
        .where('tenant_id', '=', tenantId)
        .execute();
      const remaining = new Set(
        [...(await ipSetIds(tenantId))].filter((i) => i !== set.identifier),
      );
      for (const g of groups) {
        for (const text of [g.allow_condition, g.skip_condition]) {
          try {
            parseCondition(text, remaining);
          } catch {
            throw new SekishoError(
              'ERR_CONFLICT',
              `policy group '${g.name}' uses IP set '${set.identifier}'`,
            );
          }
        }
      }
      await db
        .deleteFrom('ip_sets')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
      await bump(tenantId);
    },
    async listGroups(tenantId: string): Promise<PolicyGroupRecord[]> {
      const rows = await db
        .selectFrom('policy_groups')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('name')
        .execute();
      return rows.map(toGroup);
    },
    async saveGroup(
      tenantId: string,
      input: PolicyGroupInput,
      id?: string,
    ): Promise<PolicyGroupRecord> {
      const { factors, hours, apps, memberGroups, priority } = await checkGroup(tenantId, input);
      const row = await db
        .transaction()
        .execute(async (trx) => {
          if (input.isDefault)
            await trx
              .updateTable('policy_groups')
              .set({ is_default: false })
              .where('tenant_id', '=', tenantId)
              .execute();
          const values = {
            name: input.name.trim(),
            is_default: input.isDefault ?? false,
            applications: JSON.stringify(apps),
            allow_condition: input.allowCondition ?? 'true',
            skip_condition: input.skipSecondFactorCondition ?? 'false',
            factors: JSON.stringify(factors),
            login_lifetime_hours: hours,
            member_groups: JSON.stringify(memberGroups),
            rule_priority: priority,
            updated_at: new Date(),
          };
          return id
            ? trx
                .updateTable('policy_groups')
                .set(values)
                .where('tenant_id', '=', tenantId)
                .where('id', '=', id)
                .returningAll()
                .executeTakeFirst()
            : trx
                .insertInto('policy_groups')
                .values({ id: randomUUID(), tenant_id: tenantId, ...values })
                .returningAll()
                .executeTakeFirst();
        })
        .catch(conflict('a policy group with this name'));
      if (!row) throw new SekishoError('ERR_NOT_FOUND', 'no such policy group');
      await bump(tenantId);
      return toGroup(row);
    },
    async deleteGroup(tenantId: string, id: string): Promise<void> {
      const res = await db
        .deleteFrom('policy_groups')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!Number(res.numDeletedRows))
        throw new SekishoError('ERR_NOT_FOUND', 'no such policy group');
      await bump(tenantId);
    },
    /** Puts users in a group (null = back to the default); all or nothing. */
    async assign(
      tenantId: string,
      userIds: readonly string[],
      groupId: string | null,
    ): Promise<void> {
      await db.transaction().execute(async (trx) => {
        if (groupId) {
          const g = await trx
            .selectFrom('policy_groups')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('id', '=', groupId)
            .executeTakeFirst();
          if (!g) throw new SekishoError('ERR_NOT_FOUND', 'no such policy group');
        }
        for (const userId of userIds) {
          await trx
            .deleteFrom('policy_assignments')
            .where('tenant_id', '=', tenantId)
            .where('user_id', '=', userId)
            .execute();
          if (groupId)
            await trx
              .insertInto('policy_assignments')
              .values({ tenant_id: tenantId, user_id: userId, policy_group_id: groupId })
              .execute();
        }
      });
      await bump(tenantId);
    },
    async settings(tenantId: string) {
      const r = await db
        .selectFrom('policy_settings')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst();
      return {
        passIssuanceCondition: r?.pass_issuance_condition ?? 'false',
        passLifetimeDays: r?.pass_lifetime_days ?? 365,
      };
    },
    async saveSettings(
      tenantId: string,
      input: { passIssuanceCondition: string; passLifetimeDays: number },
    ) {
      try {
        parseCondition(input.passIssuanceCondition, await ipSetIds(tenantId));
      } catch (err) {
        throw new ValidationError([
          { field: 'passIssuanceCondition', message: (err as Error).message },
        ]);
      }
      if (
        !Number.isInteger(input.passLifetimeDays) ||
        input.passLifetimeDays < 1 ||
        input.passLifetimeDays > 3650
      ) {
        throw new ValidationError([
          { field: 'passLifetimeDays', message: 'must be an integer from 1 to 3650' },
        ]);
      }
      await db
        .insertInto('policy_settings')
        .values({
          tenant_id: tenantId,
          pass_issuance_condition: input.passIssuanceCondition,
          pass_lifetime_days: input.passLifetimeDays,
        })
        .onConflict((oc) =>
          oc.column('tenant_id').doUpdateSet({
            pass_issuance_condition: input.passIssuanceCondition,
            pass_lifetime_days: input.passLifetimeDays,
          }),
        )
        .execute();
      await bump(tenantId);
    },
  };
}

export type PolicyStore = ReturnType<typeof createPolicyStore>;
