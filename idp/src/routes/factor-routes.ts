/**
 * The second-factor step of the browser sign-in (`/t/:tenant/login/factor`), for a pending
 * sign-in only (see login/pending-sign-in.ts):
 * - the page offers the factors the policy accepts that the user has set up; while the user
 *   has none of them, Lock or an authenticator app can be set up right here (trust on first
 *   use: the first factor has passed, and nothing else protects the account yet);
 * - codes (authenticator, emailed, emergency) are verified by the factor port under the
 *   login throttling; a wrong one re-renders the page with an error and changes nothing;
 * - confirming a new authenticator app counts as its first use, so it completes the factor;
 *   a new Lock device does not: the user then approves a request with it;
 * - every POST carries the CSRF token. Lock approval routes: lock-wait-routes.ts.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { IdpOptions } from '../index.ts';
import type { IdpServices } from '../services.ts';
import { completeSecondFactor, type FactorUse } from '../login/complete-factor.ts';
import { clearPendingSignIn } from '../login/pending-sign-in.ts';
import type { FactorKind } from '../login/second-factor.ts';
import { verifyCode } from '../login/verify-code.ts';
import { idpMessages } from '../messages.ts';
import { lockWaitPage } from '../pages/factor-pages.ts';
import { totpSetupPage } from '../pages/setup-pages.ts';
import { csrfToken } from '../session/web-session.ts';
import {
  factorOptions,
  factorRequest,
  isReply,
  sendChoice,
  type FactorRequest,
} from './factor-context.ts';
import { SCRIPTED_PAGE_CSP, sendPage } from './page-context.ts';
import { userMessage } from './page-errors.ts';

interface CodeBody {
  _csrf?: string;
  code?: string;
}

/** A code form's handler: the factor must be offered, then the code verified, then completed. */
function codeHandler(
  services: IdpServices,
  use: FactorUse,
  allowed: (f: FactorRequest) => Promise<boolean>,
  check: (f: FactorRequest, code: string) => Promise<boolean>,
) {
  return async (request: FastifyRequest<{ Body: CodeBody }>, reply: FastifyReply) => {
    const f = await factorRequest(services, request, reply, { form: true });
    if (isReply(f)) return f;
    const t = (k: Parameters<typeof idpMessages.t>[1]) => idpMessages.t(f.ctx.locale, k);
    if (!(await allowed(f)))
      return sendChoice(services, request, reply, f, {
        error: t('factor.notOffered'),
        status: 400,
      });
    const r = await verifyCode(services, f.ctx, f.pending, use, request.body?.code, (code) =>
      check(f, code),
    );
    if (r.ok) return completeSecondFactor(services, request, reply, f.ctx, f.pending, use);
    const error = r.error ? userMessage(f.ctx.locale, r.error) : t('factor.wrongCode');
    if (r.locked) clearPendingSignIn(request);
    if (use === 'totp-setup') return sendTotpSetup(services, request, reply, f, error);
    return sendChoice(services, request, reply, f, { error, status: r.error?.status ?? 400 });
  };
}

/** The authenticator setup: a new secret, or after a wrong code just the form again. */
async function sendTotpSetup(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  f: FactorRequest,
  error?: string,
): Promise<FastifyReply> {
  const setup = error ? undefined : await f.port.beginTotpSetup(f.ctx.tenant.id, f.pending.userId);
  const body = totpSetupPage({
    locale: f.ctx.locale,
    tenantSlug: f.ctx.tenant.slug,
    action: `${f.base}/totp/confirm`,
    csrf: csrfToken(request),
    setup,
    restart: { action: `${f.base}/totp/setup` },
    error,
  });
  const title = idpMessages.t(f.ctx.locale, 'totpSetup.title');
  return sendPage(reply, f.ctx.locale, title, body, error ? 400 : 200);
}

const offers = (kind: FactorKind) => async (f: FactorRequest) =>
  (await factorOptions(f)).enrolled.includes(kind);
const mayDoSetup = (kind: FactorKind) => async (f: FactorRequest) =>
  (await factorOptions(f)).setup.includes(kind);

export const factorRoutes: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  app.get('/t/:tenant/login/factor', async (request, reply) => {
    const f = await factorRequest(services, request, reply);
    if (isReply(f)) return f;
    const choose = (request.query as { choose?: string }).choose === '1';
    if (!f.pending.approvalId || !f.pending.approvalNumber || choose)
      return sendChoice(services, request, reply, f);
    const state = await f.port.approvalStatus(f.ctx.tenant.id, f.pending.approvalId);
    const body = lockWaitPage({
      locale: f.ctx.locale,
      base: f.base,
      csrf: csrfToken(request),
      number: f.pending.approvalNumber,
      state,
    });
    const title = idpMessages.t(f.ctx.locale, 'factor.lock.heading');
    return sendPage(reply, f.ctx.locale, title, body, 200, undefined, SCRIPTED_PAGE_CSP);
  });

  app.post<{ Body: CodeBody }>(
    '/t/:tenant/login/factor/totp',
    codeHandler(services, 'totp', offers('totp'), (f, code) =>
      f.port.verifyTotp(f.ctx.tenant.id, f.pending.userId, code),
    ),
  );
  app.post<{ Body: CodeBody }>(
    '/t/:tenant/login/factor/email',
    codeHandler(services, 'email_otp', offers('email_otp'), (f, code) =>
      f.port.verifyEmailOtp(f.ctx.tenant.id, f.pending.userId, code),
    ),
  );
  // Emergency codes are issued by an admin to this very user, whatever the policy's list.
  app.post<{ Body: CodeBody }>(
    '/t/:tenant/login/factor/emergency',
    codeHandler(
      services,
      'emergency',
      async () => true,
      (f, code) => f.port.verifyEmergencyCode(f.ctx.tenant.id, f.pending.userId, code),
    ),
  );
  app.post<{ Body: CodeBody }>(
    '/t/:tenant/login/factor/totp/confirm',
    codeHandler(services, 'totp-setup', mayDoSetup('totp'), (f, code) =>
      f.port.confirmTotpSetup(f.ctx.tenant.id, f.pending.userId, code),
    ),
  );

  app.post<{ Body: CodeBody }>('/t/:tenant/login/factor/totp/setup', async (request, reply) => {
    const f = await factorRequest(services, request, reply, { form: true });
    if (isReply(f)) return f;
    if (!(await mayDoSetup('totp')(f))) {
      const error = idpMessages.t(f.ctx.locale, 'factor.setupNotAllowed');
      return sendChoice(services, request, reply, f, { error, status: 400 });
    }
    return sendTotpSetup(services, request, reply, f);
  });

  app.post<{ Body: CodeBody }>('/t/:tenant/login/factor/email/send', async (request, reply) => {
    const f = await factorRequest(services, request, reply, { form: true });
    if (isReply(f)) return f;
    const t = (k: Parameters<typeof idpMessages.t>[1]) => idpMessages.t(f.ctx.locale, k);
    if (!(await offers('email_otp')(f)))
      return sendChoice(services, request, reply, f, {
        error: t('factor.notOffered'),
        status: 400,
      });
    try {
      await f.port.sendEmailOtp(f.ctx.tenant.id, f.pending.userId, f.ctx.locale);
    } catch (err) {
      const error = userMessage(f.ctx.locale, err);
      return sendChoice(services, request, reply, f, { error, status: 400 });
    }
    return sendChoice(services, request, reply, f, { notice: t('factor.email.sent') });
  });

  app.post<{ Body: CodeBody }>('/t/:tenant/login/factor/cancel', async (request, reply) => {
    const f = await factorRequest(services, request, reply, { form: true });
    if (isReply(f)) return f;
    clearPendingSignIn(request);
    return reply.redirect(`/t/${f.ctx.tenant.slug}/login`, 303);
  });
};
