/**
 * The single sign-on gate every protocol endpoint passes through once it has identified the
 * application:
 * 1. no valid IdP session -> the sign-in page, returning here afterwards;
 * 2. a session whose password must change -> the change form first;
 * 3. the access policy for this user, application and context, evaluated again for every
 *    application and every request (a session does not carry an old allow), audited with
 *    its reasons and a reference;
 * 4. deny -> a page saying what was refused, with the reference; challenge -> the factor
 *    page as a step-up of this session, returning here (or, when no factor can run, a clear
 *    "second factor not set up" page).
 * The session's device-certificate login type goes into the context for `cert` terms.
 * Only on allow does the caller sign an assertion or issue tokens.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type Tenant } from '@sekisho/platform';
import type { Application } from '../apps/app-registry.ts';
import { activeSession, type ActiveSession } from '../session/web-session.ts';
import { ENTRANCE_PASS_COOKIE, decideSafely } from './access-policy.ts';
import { startFactorStep } from './factor-step.ts';
import type { IdpServices } from '../services.ts';
import { sendPage, type PageContext } from '../routes/page-context.ts';
import { idpMessages } from '../messages.ts';

export type GateResult = { ok: true; session: ActiveSession } | { ok: false; reply: FastifyReply };

export async function passSsoGate(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  application: Application,
  returnTo: string,
): Promise<GateResult> {
  const { platform } = services;
  const base = `/t/${ctx.tenant.slug}`;
  const session = await activeSession(request, platform, ctx.tenant);
  if (!session)
    return {
      ok: false,
      reply: reply.redirect(`${base}/login?return=${encodeURIComponent(returnTo)}`, 303),
    };
  if (session.user.mustChangePassword)
    return { ok: false, reply: reply.redirect(`${base}/password/change`, 303) };
  const decision = await decideSafely(services.policy, session.user, application, {
    tenantId: ctx.tenant.id,
    ip: ctx.origin.ip,
    userAgent: ctx.origin.userAgent,
    at: platform.clock.now(),
    amr: session.auth.amr,
    entrancePass: request.cookies[ENTRANCE_PASS_COOKIE],
    deviceCert: session.auth.deviceCert,
  });
  const { reference } = await platform.audit.record({
    tenantId: ctx.tenant.id,
    actor: { type: 'user', id: session.user.id, name: session.user.loginId },
    action: 'sso.access',
    target: { type: 'application', id: application.id },
    result: decision.kind,
    reason: decision.kind === 'deny' ? decision.reason : decision.reasons.join(','),
    origin: ctx.origin,
    details: { application: application.name, kind: application.kind },
  });
  if (decision.kind === 'allow') return { ok: true, session };
  if (decision.kind === 'challenge') {
    const step = await startFactorStep(services, request, reply, ctx, {
      user: session.user,
      amr: session.auth.amr,
      decision,
      returnTo,
      application: application.name,
      deviceCert: session.auth.deviceCert,
      stepUpSid: session.auth.sid,
    });
    if (step) return { ok: false, reply: step };
  }
  const key = decision.kind === 'deny' ? 'gate.denied' : 'gate.factorMissing';
  return { ok: false, reply: denyPage(reply, ctx, key, application, reference) };
}

export function denyPage(
  reply: FastifyReply,
  ctx: PageContext,
  key: 'gate.denied' | 'gate.factorMissing',
  application: Application,
  reference: string,
): FastifyReply {
  const t = (k: Parameters<typeof idpMessages.t>[1], p?: Record<string, string>) =>
    idpMessages.t(ctx.locale, k, p);
  const body = html`
    <p class="error" role="alert">${t(key, { app: application.name })}</p>
    <p>${t(key === 'gate.denied' ? 'gate.deniedHelp' : 'gate.factorMissingHelp')}</p>
    <p class="muted">${t('gate.reference', { reference })}</p>
    <p><a href="/t/${ctx.tenant.slug}/portal">${t('portal.title')}</a></p>`;
  return sendPage(reply, ctx.locale, t('gate.title'), body, 403);
}

export type { Tenant };
