/**
 * The policy simulator for admins:
 * - `simulate`: the decision and its trace for a user, application, IP, device certificate,
 *   entrance-pass age and time ("why was this denied?");
 * - `dryRun`: replays the recorded sign-in and application decisions of the last 30 days
 *   with one policy group changed (or added), listing whose outcome would change. Recorded
 *   decisions carry the user, application, address and time, not the certificate or pass,
 *   so the replay assumes neither (documented in docs/access-policy.md).
 */
import type { Kysely } from 'kysely';
import {
  SekishoError,
  ValidationError,
  type Platform,
  type Tenant,
  type User,
} from '@sekisho/platform';
import { parseCondition } from './condition/parse.ts';
import { decide, type DecisionRequest } from './engine/decide.ts';
import type { FactorKind, PolicyGroup, TenantPolicy } from './engine/policy-model.ts';
import type { PolicyService } from './policy-service.ts';
import type { PolicyGroupInput } from './store/policy-store.ts';
import type { PolicyDatabase } from './store/tables.ts';

export interface SimulationInput {
  userId?: string;
  loginId?: string;
  applicationId?: string;
  ip: string;
  deviceCertLoginType?: 'personal' | 'passwordless' | 'shared';
  passAgeDays?: number;
  at?: string;
  secondFactorDone?: boolean;
}

function request(
  user: User,
  input: {
    applicationId?: string | undefined;
    ip: string;
    at: Date;
    cert?: SimulationInput['deviceCertLoginType'];
    passAgeDays?: number | undefined;
    mfa?: boolean | undefined;
    enrolledFactors: readonly FactorKind[];
    availableFactors: readonly FactorKind[];
  },
): DecisionRequest {
  return {
    stage: input.applicationId ? 'application' : 'post-auth',
    subject: {
      id: user.id,
      loginId: user.loginId,
      status: user.status,
      groups: user.groups,
      attributes: user.attributes,
      enrolledFactors: input.enrolledFactors,
    },
    application: input.applicationId ? { id: input.applicationId } : undefined,
    context: {
      ip: input.ip,
      at: input.at,
      amr: input.mfa ? ['pwd', 'mfa'] : ['pwd'],
      deviceCert: input.cert ? { loginType: input.cert } : undefined,
      entrancePass:
        input.passAgeDays === undefined
          ? undefined
          : { issuedAt: new Date(input.at.getTime() - input.passAgeDays * 86_400_000) },
    },
    availableFactors: input.availableFactors,
  };
}

export async function simulate(
  platform: Platform,
  policy: PolicyService,
  tenant: Tenant,
  input: SimulationInput,
) {
  const user = input.userId
    ? await platform.users.get(tenant.id, input.userId)
    : await platform.users.getByLoginId(tenant.id, input.loginId ?? '');
  if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  const at = input.at ? new Date(input.at) : platform.clock.now();
  if (Number.isNaN(at.getTime()))
    throw new SekishoError('ERR_VALIDATION', 'at must be an ISO date-time');
  const compiled = await policy.loader.load(tenant);
  const d = decide(
    compiled,
    request(user, {
      applicationId: input.applicationId,
      ip: input.ip,
      at,
      cert: input.deviceCertLoginType,
      passAgeDays: input.passAgeDays,
      mfa: input.secondFactorDone,
      enrolledFactors: await policy.enrolledFactors(tenant.id, user.id),
      availableFactors: policy.availableFactors,
    }),
  );
  return {
    decision: d.kind,
    reason: d.reason,
    group: d.group,
    ...(d.kind === 'challenge' && { factors: d.factors }),
    trace: d.trace,
  };
}

function parseField(field: string, text: string, known: ReadonlySet<string>) {
  try {
    return parseCondition(text, known);
  } catch (err) {
    throw new ValidationError([{ field, message: (err as Error).message }]);
  }
}

function withGroup(current: TenantPolicy, group: PolicyGroup, isDefault: boolean): TenantPolicy {
  const groups = new Map(current.groups);
  groups.set(group.id, group);
  return { ...current, groups, defaultGroupId: isDefault ? group.id : current.defaultGroupId };
}

export async function dryRun(
  platform: Platform,
  policy: PolicyService,
  tenant: Tenant,
  groupId: string | undefined,
  input: PolicyGroupInput,
) {
  const current = await policy.loader.load(tenant);
  const known = new Set(current.ipSets.keys());
  const group: PolicyGroup = {
    id: groupId ?? 'proposed',
    name: input.name ?? 'proposed',
    applications: input.applications ?? 'all',
    allow: parseField('allowCondition', input.allowCondition ?? 'true', known),
    skipSecondFactor: parseField(
      'skipSecondFactorCondition',
      input.skipSecondFactorCondition ?? 'false',
      known,
    ),
    factors: (input.factors ?? ['lock', 'totp']) as FactorKind[],
    loginLifetimeHours: input.loginLifetimeHours ?? 168,
    memberGroups: input.memberGroups ?? [],
    rulePriority: input.rulePriority ?? 0,
  };
  const proposed = withGroup(
    current,
    group,
    input.isDefault ?? (groupId !== undefined && current.defaultGroupId === groupId),
  );
  const since = new Date(platform.clock.now().getTime() - 30 * 86_400_000);
  const db = platform.store.db as unknown as Kysely<PolicyDatabase>;
  const events = await db
    .selectFrom('audit_events')
    .select(['actor_id', 'target_id', 'action', 'ip', 'at', 'result'])
    .where('tenant_id', '=', tenant.id)
    .where('action', 'in', ['sso.access', 'login.policy'])
    .where('at', '>=', since)
    .where('actor_id', 'is not', null)
    .orderBy('at', 'desc')
    .limit(20_000)
    .execute();
  const seen = new Set<string>();
  const changes = [];
  for (const e of events) {
    const key = `${e.actor_id}|${e.action === 'sso.access' ? e.target_id : ''}|${e.ip}`;
    if (seen.has(key) || !e.ip) continue;
    seen.add(key);
    const user = await platform.users.get(tenant.id, e.actor_id!);
    if (!user) continue;
    const after = decide(
      proposed,
      request(user, {
        applicationId: e.action === 'sso.access' ? (e.target_id ?? undefined) : undefined,
        ip: e.ip,
        at: e.at,
        enrolledFactors: await policy.enrolledFactors(tenant.id, user.id),
        availableFactors: policy.availableFactors,
      }),
    );
    if (after.kind !== e.result) {
      changes.push({
        userId: user.id,
        loginId: user.loginId,
        applicationId: e.action === 'sso.access' ? e.target_id : null,
        ip: e.ip,
        at: e.at,
        before: e.result,
        after: after.kind,
        reason: after.reason,
      });
    }
  }
  return { replayed: seen.size, since, changes };
}
