/**
 * Turns a policy `challenge` into the second-factor step, when this deployment can run one:
 * - only with the factor port, and only when some factor the policy accepts is usable — one
 *   the user has set up, or Lock/TOTP, which the user may set up on the factor page;
 * - otherwise (no port, no usable factor, the port failing) the caller shows its "second
 *   factor not set up" page: a challenge never becomes an allow.
 * A step-up (an application asks a signed-in user for a factor) names the session it adds to.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import type { AccessDecision, DeviceCertLoginType } from './access-policy.ts';
import { clearPendingSignIn, knownFactors, setPendingSignIn } from './pending-sign-in.ts';
import type { FactorKind } from './second-factor.ts';

/** Factors a user can set up during the sign-in itself. */
export const SETUP_FACTORS: readonly FactorKind[] = ['lock', 'totp'];

export interface FactorStepInput {
  user: User;
  amr: readonly string[];
  decision: Extract<AccessDecision, { kind: 'challenge' }>;
  returnTo?: string | undefined;
  application?: string | undefined;
  deviceCert?: { loginType: DeviceCertLoginType } | undefined;
  stepUpSid?: string | undefined;
}

/** Redirects to the factor page and returns the reply, or undefined when no factor can run. */
export async function startFactorStep(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  input: FactorStepInput,
): Promise<FastifyReply | undefined> {
  const port = services.factors;
  const offered = knownFactors(input.decision.factors);
  if (!port || offered.length === 0) return undefined;
  let enrolled: FactorKind[];
  try {
    enrolled = await port.enrolled(ctx.tenant.id, input.user.id);
  } catch {
    return undefined;
  }
  const usable = offered.some((f) => enrolled.includes(f) || SETUP_FACTORS.includes(f));
  if (!usable) return undefined;
  if (!input.stepUpSid) request.session.set('auth', undefined as never);
  clearPendingSignIn(request);
  setPendingSignIn(request, {
    tenantId: ctx.tenant.id,
    userId: input.user.id,
    amr: [...input.amr],
    returnTo: input.returnTo,
    application: input.application,
    factors: offered,
    reason: input.decision.reasons[0] ?? 'second-factor-required',
    deviceCertLoginType: input.deviceCert?.loginType,
    stepUpSid: input.stepUpSid,
    startedAt: services.platform.clock.now().getTime(),
  });
  return reply.redirect(`/t/${ctx.tenant.slug}/login/factor`, 303);
}
