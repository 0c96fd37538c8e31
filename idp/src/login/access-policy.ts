/**
 * The port through which the IdP asks the access-policy decision (DESIGN.md, "A login, end
 * to end", step 4). The gateway supplies the engine (#4); until then `allowActiveUsers`
 * allows active users and denies everyone else. Any error on this path is a deny.
 */
import type { User } from '@sekisho/platform';
import type { Application } from '../apps/app-registry.ts';

export interface AccessContext {
  ip: string;
  userAgent?: string | undefined;
  at: Date;
  /** Authentication methods already used in this session (RFC 8176: pwd, otp, mfa, hwk). */
  amr: readonly string[];
}

export type AccessDecision =
  | { kind: 'allow'; reasons: string[] }
  | { kind: 'deny'; reason: string }
  | { kind: 'challenge'; factors: string[]; reasons: string[] };

export interface AccessPolicy {
  decide(
    subject: User,
    application: Application | undefined,
    context: AccessContext,
  ): Promise<AccessDecision>;
}

export const allowActiveUsers: AccessPolicy = {
  async decide(subject) {
    return subject.status === 'active'
      ? { kind: 'allow', reasons: ['user-active'] }
      : { kind: 'deny', reason: `user-${subject.status}` };
  },
};

/** Runs the policy; an exception becomes a deny, never an allow. */
export async function decideSafely(
  policy: AccessPolicy,
  subject: User,
  application: Application | undefined,
  context: AccessContext,
): Promise<AccessDecision> {
  try {
    return await policy.decide(subject, application, context);
  } catch {
    return { kind: 'deny', reason: 'policy-error' };
  }
}
