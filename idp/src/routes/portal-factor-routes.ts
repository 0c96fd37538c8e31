/**
 * Setting up second factors from the portal: an authenticator app (`/portal/totp`: QR code,
 * key, the link into the Lock app, confirmation code) and the Lock app (`/portal/lock`: a
 * single-use enrollment link and QR code, valid 10 minutes; also to replace the device).
 * - Signed-in users only; every POST carries the CSRF token.
 * - A user who already has a second factor changes factors only from a session that used
 *   one (amr `mfa`): otherwise the factor page asks for it first (a step-up) and returns here,
 *   so a stolen password alone never replaces the phone.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SekishoError, html } from '@sekisho/platform';
import type { IdpOptions } from '../index.ts';
import type { IdpServices } from '../services.ts';
import { startFactorStep } from '../login/factor-step.ts';
import type { SecondFactorPort } from '../login/second-factor.ts';
import { normalizeCode } from '../login/verify-code.ts';
import { idpMessages } from '../messages.ts';
import { lockEnrollPage, totpSetupPage } from '../pages/setup-pages.ts';
import {
  activeSession,
  csrfToken,
  isCsrfValid,
  type ActiveSession,
} from '../session/web-session.ts';
import { pageContext, SCRIPTED_PAGE_CSP, sendPage, type PageContext } from './page-context.ts';

interface PortalFactor {
  ctx: PageContext;
  s: ActiveSession;
  port: SecondFactorPort;
  base: string;
}

type Key = Parameters<typeof idpMessages.t>[1];

/** The signed-in user and the port, or the reply already sent (sign-in, step-up, CSRF). */
async function portalFactor(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  returnTo: string,
  form = false,
): Promise<PortalFactor | FastifyReply> {
  const ctx = await pageContext(request, services.platform);
  const base = `/t/${ctx.tenant.slug}/portal`;
  const s = await activeSession(request, services.platform, ctx.tenant);
  if (!s)
    return reply.redirect(`/t/${ctx.tenant.slug}/login?return=${encodeURIComponent(base)}`, 303);
  if (s.user.mustChangePassword)
    return reply.redirect(`/t/${ctx.tenant.slug}/password/change`, 303);
  const port = services.factors;
  if (!port) throw new SekishoError('ERR_NOT_FOUND', 'no second factors in this deployment');
  if (form && !isCsrfValid(request, (request.body as { _csrf?: unknown } | undefined)?._csrf))
    throw new SekishoError('ERR_CSRF', 'csrf token missing or wrong');
  if (!s.auth.amr.includes('mfa')) {
    const enrolled = await port.enrolled(ctx.tenant.id, s.user.id);
    if (enrolled.length) {
      const decision = {
        kind: 'challenge' as const,
        factors: enrolled,
        reasons: ['factor-change'],
      };
      const step = await startFactorStep(services, request, reply, ctx, {
        user: s.user,
        amr: s.auth.amr,
        decision,
        returnTo,
        deviceCert: s.auth.deviceCert,
        stepUpSid: s.auth.sid,
      });
      if (step) return step;
      throw new SekishoError(
        'ERR_SECOND_FACTOR_REQUIRED',
        'second factor needed to change factors',
      );
    }
  }
  return { ctx, s, port, base };
}

const isReply = (v: PortalFactor | FastifyReply): v is FastifyReply => !('port' in v);

export const portalFactorRoutes: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  const sendTotp = async (
    request: FastifyRequest,
    reply: FastifyReply,
    p: PortalFactor,
    error?: string,
  ) => {
    const t = (k: Key) => idpMessages.t(p.ctx.locale, k);
    const setup = error ? undefined : await p.port.beginTotpSetup(p.ctx.tenant.id, p.s.user.id);
    const body = totpSetupPage({
      locale: p.ctx.locale,
      tenantSlug: p.ctx.tenant.slug,
      action: `${p.base}/totp`,
      csrf: csrfToken(request),
      setup,
      restart: { href: `${p.base}/totp` },
      error,
    });
    return sendPage(reply, p.ctx.locale, t('totpSetup.title'), body, error ? 400 : 200);
  };

  app.get('/t/:tenant/portal/totp', async (request, reply) => {
    const slug = (request.params as { tenant: string }).tenant;
    const p = await portalFactor(services, request, reply, `/t/${slug}/portal/totp`);
    if (isReply(p)) return p;
    return sendTotp(request, reply, p);
  });

  app.post<{ Body: { _csrf?: string; code?: string } }>(
    '/t/:tenant/portal/totp',
    async (request, reply) => {
      const slug = request.params as { tenant: string };
      const p = await portalFactor(services, request, reply, `/t/${slug.tenant}/portal/totp`, true);
      if (isReply(p)) return p;
      const t = (k: Key) => idpMessages.t(p.ctx.locale, k);
      const code = normalizeCode(request.body?.code);
      const ok =
        code !== undefined && (await p.port.confirmTotpSetup(p.ctx.tenant.id, p.s.user.id, code));
      await services.platform.audit.record({
        tenantId: p.ctx.tenant.id,
        actor: { type: 'user', id: p.s.user.id, name: p.s.user.loginId },
        action: 'factor.totp.setup',
        target: { type: 'user', id: p.s.user.id },
        result: ok ? 'success' : 'failure',
        reason: ok ? undefined : 'wrong-code',
        origin: p.ctx.origin,
      });
      if (!ok) return sendTotp(request, reply, p, t('factor.wrongCode'));
      const body = html`<p class="notice" role="status">${t('totpSetup.done')}</p>
      <p><a href="${p.base}">${t('portal.title')}</a></p>`;
      return sendPage(reply, p.ctx.locale, t('totpSetup.title'), body);
    },
  );

  app.post('/t/:tenant/portal/lock', async (request, reply) => {
    const slug = (request.params as { tenant: string }).tenant;
    const p = await portalFactor(services, request, reply, `/t/${slug}/portal`, true);
    if (isReply(p)) return p;
    const enrollment = await p.port.createEnrollment(p.ctx.tenant.id, p.s.user.id);
    const since = services.platform.clock.now().getTime();
    const body = lockEnrollPage({
      locale: p.ctx.locale,
      ...enrollment,
      timeZone: p.ctx.tenant.timeZone,
      devicePath: `${p.base}/lock/device?since=${since}`,
      nextPath: p.base,
      scriptPath: `/t/${p.ctx.tenant.slug}/login/factor/lock/wait.js`,
    });
    const title = idpMessages.t(p.ctx.locale, 'lockSetup.title');
    return sendPage(reply, p.ctx.locale, title, body, 200, undefined, SCRIPTED_PAGE_CSP);
  });

  app.get('/t/:tenant/portal/lock/device', async (request, reply) => {
    const ctx = await pageContext(request, services.platform);
    const s = await activeSession(request, services.platform, ctx.tenant);
    if (!s || !services.factors) return reply.code(401).send({ enrolled: false });
    const since = Number((request.query as { since?: string }).since) || 0;
    const device = await services.factors.device(ctx.tenant.id, s.user.id);
    const enrolled = device !== undefined && device.enrolledAt.getTime() >= since;
    return reply.header('cache-control', 'no-store').send({ enrolled });
  });
};
