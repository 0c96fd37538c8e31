/**
 * The port through which the IdP asks the access-policy decision (DESIGN.md, "A login, end
 * to end", step 4). The gateway supplies the engine; `allowActiveUsers` is the stand-in for
 * tests of the IdP alone. Any error on this path is a deny (`decideSafely`).
 *
 * The IdP asks at three points: before the password (`subject` undefined: network and
 * device), after it (`application` undefined: the sign-in itself), and for each application.
 */
import type { User } from '@sekisho/platform';
import type { Application } from '../apps/app-registry.ts';

export interface AccessContext {
  tenantId: string;
  ip: string;
  userAgent?: string | undefined;
  at: Date;
  /** Authentication methods already used in this session (RFC 8176: pwd, otp, mfa, hwk). */
  amr: readonly string[];
  /** The browser's entrance-pass cookie, if any (the policy verifies it). */
  entrancePass?: string | undefined;
  /** A verified device certificate's login type, if one was presented (#5). */
  deviceCert?: { loginType: DeviceCertLoginType } | undefined;
}

/** A device-certificate login type (#5). */
export type DeviceCertLoginType = 'personal' | 'passwordless' | 'shared';

/**
 * Where a certificate is being used from, for copy detection: the same certificate from two
 * networks or clients in overlapping sessions raises an alert (and may suspend it).
 */
export interface DeviceCertUse {
  ip: string;
  userAgent: string;
  /** The browser session (stable for one browser across its sign-in). */
  sessionId: string;
}

/** The outcome of checking a presented client certificate against the tenant's device CA. */
export type DeviceCertVerification =
  { ok: true; userId: string; loginType: DeviceCertLoginType } | { ok: false; reason: string };

export type AccessDecision =
  | { kind: 'allow'; reasons: string[] }
  | { kind: 'deny'; reason: string }
  | { kind: 'challenge'; factors: string[]; reasons: string[] };

export interface AccessPolicy {
  decide(
    subject: User | undefined,
    application: Application | undefined,
    context: AccessContext,
  ): Promise<AccessDecision>;
  /**
   * After a successful sign-in: a new entrance pass for this browser when the tenant's
   * issuance condition holds (the cookie value to set and its lifetime), else undefined.
   */
  issueEntrancePass?(
    subject: User,
    context: AccessContext,
  ): Promise<{ token: string; maxAgeSeconds: number } | undefined>;
  /**
   * Verifies a client certificate presented with the request (PEM): issued by the tenant's
   * device CA, valid, not revoked, bound to an active user. Absent = no device-certificate
   * login in this deployment.
   */
  verifyDeviceCertificate?(
    tenantId: string,
    pem: string,
    use?: DeviceCertUse,
  ): Promise<DeviceCertVerification>;
  /** The user's live entrance passes (not revoked or expired), newest first, for the portal. */
  listEntrancePasses?(
    tenantId: string,
    userId: string,
  ): Promise<{ issuedAt: Date; expiresAt: Date; lastUsedAt: Date | null }[]>;
}

export const ENTRANCE_PASS_COOKIE = 'sekisho_pass';

export const allowActiveUsers: AccessPolicy = {
  async decide(subject) {
    if (!subject) return { kind: 'allow', reasons: ['may-continue'] };
    return subject.status === 'active'
      ? { kind: 'allow', reasons: ['user-active'] }
      : { kind: 'deny', reason: `user-${subject.status}` };
  },
};

/** Runs the policy; an exception becomes a deny, never an allow. */
export async function decideSafely(
  policy: AccessPolicy,
  subject: User | undefined,
  application: Application | undefined,
  context: AccessContext,
): Promise<AccessDecision> {
  try {
    return await policy.decide(subject, application, context);
  } catch {
    return { kind: 'deny', reason: 'policy-error' };
  }
}
