/**
 * Completing the sign-in after a second factor passed:
 * - amr = the first factor's methods + the factor's (`swk` for Lock, `otp` for TOTP, email and
 *   emergency codes) + `mfa` (RFC 8176);
 * - a sign-in: the policy is asked again with the new amr and must now allow; then the
 *   session starts (new id and CSRF token), an entrance pass may be issued, and the browser
 *   goes to the password change (when required), its return address or the portal;
 * - a step-up: the same signed-in session (checked by id) gains the factor, and the browser
 *   returns to the application, whose gate decides again.
 * Either way the pending sign-in is cleared and `login.second-factor` is audited.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { startSession } from '../session/web-session.ts';
import type { DeviceCertVerification } from './access-policy.ts';
import { clearPendingSignIn, type PendingSignIn } from './pending-sign-in.ts';
import { maybeIssuePass, signInDecision, signInRefusedPage } from './sign-in-policy.ts';

/** How the second factor was passed (audit detail); `emergency` is an admin-issued code. */
export type FactorUse = 'lock' | 'totp' | 'totp-setup' | 'email_otp' | 'emergency';

export function amrAfter(first: readonly string[], use: FactorUse): string[] {
  return [...new Set([...first, use === 'lock' ? 'swk' : 'otp', 'mfa'])];
}

export async function recordFactorResult(
  services: IdpServices,
  ctx: PageContext,
  pending: PendingSignIn,
  use: FactorUse,
  result: 'success' | 'failure',
  reason?: string,
): Promise<void> {
  await services.platform.audit.record({
    tenantId: ctx.tenant.id,
    actor: { type: 'user', id: pending.userId },
    action: 'login.second-factor',
    target: { type: 'user', id: pending.userId },
    result,
    reason,
    origin: ctx.origin,
    details: { factor: use, stepUp: pending.stepUpSid !== undefined },
  });
}

export async function completeSecondFactor(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  pending: PendingSignIn,
  use: FactorUse,
): Promise<FastifyReply> {
  const { platform } = services;
  const base = `/t/${ctx.tenant.slug}`;
  clearPendingSignIn(request);
  await recordFactorResult(services, ctx, pending, use, 'success');
  await platform.throttle.recordSuccess(ctx.tenant.id, pending.userId);
  const amr = amrAfter(pending.amr, use);
  const user = await platform.users.get(ctx.tenant.id, pending.userId);
  if (pending.stepUpSid) {
    const auth = request.session.get('auth');
    if (!user || user.status !== 'active' || auth?.sid !== pending.stepUpSid)
      return reply.redirect(`${base}/login`, 303);
    request.session.set('auth', { ...auth, amr: [...new Set([...auth.amr, ...amr])] });
    return reply.redirect(pending.returnTo ?? `${base}/portal`, 303);
  }
  if (!user) return reply.redirect(`${base}/login`, 303);
  const check: DeviceCertVerification | undefined = pending.deviceCertLoginType
    ? { ok: true, userId: user.id, loginType: pending.deviceCertLoginType }
    : undefined;
  const post = await signInDecision(services, request, ctx, user, { amr, deviceCert: check });
  if (post.decision.kind !== 'allow')
    return signInRefusedPage(reply, ctx, post.decision, post.reference);
  return finishSignIn(services, request, reply, ctx, user, amr, check, pending.returnTo);
}

async function finishSignIn(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  user: User,
  amr: string[],
  check: DeviceCertVerification | undefined,
  returnTo: string | undefined,
): Promise<FastifyReply> {
  const base = `/t/${ctx.tenant.slug}`;
  const deviceCert = check?.ok ? { loginType: check.loginType } : undefined;
  startSession(request, ctx.tenant, user, amr, services.platform.clock.now().getTime(), deviceCert);
  await maybeIssuePass(services, request, reply, ctx, user, amr, check);
  if (user.mustChangePassword) return reply.redirect(`${base}/password/change`, 303);
  return reply.redirect(returnTo ?? `${base}/portal`, 303);
}
