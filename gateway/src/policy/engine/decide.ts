/**
 * The policy engine: a pure function of (subject, application, context) and the compiled
 * tenant policy, returning allow, deny with a reason, or challenge with the accepted second
 * factors, plus the trace of what it evaluated (for audit and the simulator).
 *
 * Stages (DESIGN.md, "A login, end to end"):
 * - `pre-auth`: before the password; the user is unknown, so subject terms are unknown and
 *   only a condition that is definitely false for every policy group denies (nobody may sign
 *   in from this network or device).
 * - `post-auth`: after the password, for the sign-in itself (portal).
 * - `application`: for each application reached, with or without a new password.
 * Rules: inactive user -> deny; application not in the group -> deny; allow condition not
 * true -> deny; second factor already used, or skip condition true -> allow; else challenge.
 * Users who may skip are still made to enrol a factor first (when factors exist), so an
 * attacker with the password cannot enrol one later.
 */
import type { Condition, ConditionInput, TraceEntry, Truth } from '../condition-types.ts';
import { evaluate } from '../condition/evaluate.ts';
import { groupOf, type FactorKind, type TenantPolicy } from './policy-model.ts';

export type Stage = 'pre-auth' | 'post-auth' | 'application';

export type Reason =
  | 'network-or-device-not-allowed'
  | 'user-inactive'
  | 'application-not-allowed'
  | 'condition-not-met'
  | 'second-factor-done'
  | 'second-factor-skipped'
  | 'second-factor-required'
  | 'second-factor-enrolment-required'
  | 'may-continue';

export interface PolicySubject {
  id: string;
  loginId: string;
  status: 'active' | 'suspended' | 'locked';
  groups: readonly string[];
  attributes: Readonly<Record<string, string>>;
  /** Second factors the user has set up. */
  enrolledFactors: readonly FactorKind[];
}

export interface PolicyContext {
  ip: string;
  at: Date;
  amr: readonly string[];
  deviceCert?: { loginType: 'personal' | 'passwordless' | 'shared' } | undefined;
  entrancePass?: { issuedAt: Date } | undefined;
}

export interface DecisionRequest {
  stage: Stage;
  subject?: PolicySubject | undefined;
  application?: { id: string } | undefined;
  context: PolicyContext;
  /** Factor kinds this deployment can run (empty until a factor is built). */
  availableFactors: readonly FactorKind[];
}

export type Decision =
  | { kind: 'allow'; reason: Reason; group: string; trace: TraceEntry[] }
  | { kind: 'deny'; reason: Reason; group: string; trace: TraceEntry[] }
  | {
      kind: 'challenge';
      reason: Reason;
      group: string;
      factors: FactorKind[];
      trace: TraceEntry[];
    };

function input(policy: TenantPolicy, req: DecisionRequest): ConditionInput {
  const s = req.subject;
  return {
    ip: req.context.ip,
    ipSets: policy.ipSets,
    deviceCert: req.context.deviceCert,
    entrancePass: req.context.entrancePass,
    subject: s && { loginId: s.loginId, groups: s.groups, attributes: s.attributes },
    at: req.context.at,
    timeZone: policy.timeZone,
  };
}

function check(label: string, c: Condition, i: ConditionInput, trace: TraceEntry[]): Truth {
  const inner: TraceEntry[] = [];
  const result = evaluate(c, i, inner);
  trace.push({ term: label, result }, ...inner);
  return result;
}

export function decide(policy: TenantPolicy, req: DecisionRequest): Decision {
  const trace: TraceEntry[] = [];
  const i = input(policy, req);
  if (req.stage === 'pre-auth' || !req.subject) {
    // Every group a user may be in, including the one of unassigned users (the built-in
    // default when the tenant has none).
    const groups = new Set([...policy.groups.values(), groupOf(policy, '')]);
    const open = [...groups].some((g) => check(`allow (${g.name})`, g.allow, i, trace) !== false);
    return open
      ? { kind: 'allow', reason: 'may-continue', group: '*', trace }
      : { kind: 'deny', reason: 'network-or-device-not-allowed', group: '*', trace };
  }
  const group = groupOf(policy, req.subject.id, req.subject.groups);
  const out = (kind: 'allow' | 'deny', reason: Reason): Decision => ({
    kind,
    reason,
    group: group.name,
    trace,
  });
  if (req.subject.status !== 'active') return out('deny', 'user-inactive');
  if (
    req.stage === 'application' &&
    req.application &&
    group.applications !== 'all' &&
    !group.applications.includes(req.application.id)
  ) {
    trace.push({ term: `application ${req.application.id} in ${group.name}`, result: false });
    return out('deny', 'application-not-allowed');
  }
  if (check(`allow (${group.name})`, group.allow, i, trace) !== true)
    return out('deny', 'condition-not-met');
  const factors = group.factors.filter((f) => req.availableFactors.includes(f));
  if (req.context.amr.includes('mfa')) return out('allow', 'second-factor-done');
  if (check(`skip second factor (${group.name})`, group.skipSecondFactor, i, trace) === true) {
    const mustEnrol =
      factors.length > 0 && !req.subject.enrolledFactors.some((f) => factors.includes(f));
    return mustEnrol
      ? {
          kind: 'challenge',
          reason: 'second-factor-enrolment-required',
          group: group.name,
          factors,
          trace,
        }
      : out('allow', 'second-factor-skipped');
  }
  return { kind: 'challenge', reason: 'second-factor-required', group: group.name, factors, trace };
}
