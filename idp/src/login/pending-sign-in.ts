/**
 * The half-finished sign-in (docs/lock.md, "Flow of a login with Lock", step 2): after the
 * first factor passed and the policy answered `challenge`, the encrypted session cookie holds
 * who is signing in, how, and which second factors the policy accepts.
 * - It is never a signed-in session: only the factor routes read it, and only completing a
 *   factor turns it into one (or, for a step-up, adds the factor to the existing session).
 * - It lasts 10 minutes from the first factor; after that the user starts again.
 * - It belongs to one tenant; another tenant's routes ignore it.
 */
import type { FastifyRequest } from 'fastify';
import type { Tenant } from '@sekisho/platform';
import type {} from '@fastify/secure-session';
import type { DeviceCertLoginType } from './access-policy.ts';
import type { FactorKind } from './second-factor.ts';

export const PENDING_SIGN_IN_MS = 10 * 60_000;

export const FACTOR_KINDS: readonly FactorKind[] = ['lock', 'totp', 'email_otp'];

export interface PendingSignIn {
  tenantId: string;
  userId: string;
  /** The methods the first factor used (`pwd`, or `hwk` for a passwordless certificate). */
  amr: string[];
  returnTo?: string | undefined;
  /** The application being signed in to, named in the Lock request (the portal when none). */
  application?: string | undefined;
  /** The second factors the policy accepts, in its order of preference. */
  factors: FactorKind[];
  /** The policy's reason for the challenge (`second-factor-required`, `...-enrolment-required`). */
  reason: string;
  /** The login type of the verified certificate of this user the first factor saw, if any. */
  deviceCertLoginType?: DeviceCertLoginType | undefined;
  /** The Lock approval this sign-in waits for, and the number the page shows for it. */
  approvalId?: string | undefined;
  approvalNumber?: string | undefined;
  /** A step-up of the signed-in session with this id (an application asked for a factor). */
  stepUpSid?: string | undefined;
  startedAt: number;
}

declare module '@fastify/secure-session' {
  interface SessionData {
    pendingSignIn: PendingSignIn;
  }
}

/** The factor kinds among a decision's factors that this IdP knows, in the policy's order. */
export function knownFactors(factors: readonly string[]): FactorKind[] {
  return factors.filter((f): f is FactorKind => (FACTOR_KINDS as readonly string[]).includes(f));
}

export function setPendingSignIn(request: FastifyRequest, pending: PendingSignIn): void {
  request.session.set('pendingSignIn', pending);
}

/** The live pending sign-in of this tenant, or undefined (an expired one is cleared). */
export function currentPendingSignIn(
  request: FastifyRequest,
  tenant: Tenant,
  now: number,
): PendingSignIn | undefined {
  const pending = request.session.get('pendingSignIn');
  if (!pending || pending.tenantId !== tenant.id) return undefined;
  if (now - pending.startedAt > PENDING_SIGN_IN_MS || now < pending.startedAt) {
    clearPendingSignIn(request);
    return undefined;
  }
  return pending;
}

export function clearPendingSignIn(request: FastifyRequest): void {
  request.session.set('pendingSignIn', undefined as unknown as PendingSignIn);
}
