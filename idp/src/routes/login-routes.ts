/**
 * Sign-in with login ID and password, and sign-out.
 * - Every form carries the session's CSRF token; a POST without it changes nothing.
 * - Failures re-render the form with a message that never says whether the login ID
 *   exists; locks and throttling answer 423 and 429.
 * - A user whose password must change goes to the change form before anything else.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SekishoError, html } from '@sekisho/platform';
import type { IdpOptions } from '../index.ts';
import { startFactorStep } from '../login/factor-step.ts';
import {
  checkDeviceCertificate,
  deviceCertFor,
  maybeIssuePass,
  signInDecision,
  signInRefusedPage,
} from '../login/sign-in-policy.ts';
import { idpMessages } from '../messages.ts';
import { loginPage } from '../pages/login-page.ts';
import { activeSession, csrfToken, isCsrfValid, startSession } from '../session/web-session.ts';
import { takeParticipants } from '../saml/session-participants.ts';
import { signOut } from '../session/sign-out.ts';
import { advanceChain } from '../saml/slo-chain.ts';
import { pageContext, safeReturnPath, sendPage } from './page-context.ts';
import { userMessage } from './page-errors.ts';

/** Deny reasons with their own text; anything else is shown as "could not be verified". */
const REASON_KEYS: Record<string, true> = Object.fromEntries(
  [
    'malformed',
    'unknown-issuer',
    'not-yet-valid',
    'expired',
    'wrong-usage',
    'not-issued-here',
    'revoked',
    'user-inactive',
    'suspended',
    'unknown-user',
    'revocation-unknown',
  ].map((r) => [`login.deviceCertReason.${r}`, true]),
);

interface LoginBody {
  _csrf?: string;
  loginId?: string;
  password?: string;
  return?: string;
}

export const loginRoutes: FastifyPluginAsync<IdpOptions> = async (app, { platform, services }) => {
  app.get('/t/:tenant/login', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const returnTo = safeReturnPath((request.query as { return?: string }).return, ctx.tenant.slug);
    if (await activeSession(request, platform, ctx.tenant)) {
      return reply.redirect(returnTo ?? `/t/${ctx.tenant.slug}/portal`, 303);
    }
    const pre = await signInDecision(services, request, ctx, undefined);
    if (pre.decision.kind === 'deny')
      return signInRefusedPage(reply, ctx, pre.decision, pre.reference);
    const body = loginPage({
      tenant: ctx.tenant,
      locale: ctx.locale,
      csrf: csrfToken(request),
      returnTo,
    });
    return sendPage(
      reply,
      ctx.locale,
      idpMessages.t(ctx.locale, 'login.heading', { tenant: ctx.tenant.name }),
      body,
    );
  });

  app.post<{ Body: LoginBody }>('/t/:tenant/login', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const form = request.body ?? {};
    const returnTo = safeReturnPath(form.return, ctx.tenant.slug);
    const render = (status: number, error: string) =>
      sendPage(
        reply,
        ctx.locale,
        idpMessages.t(ctx.locale, 'login.heading', { tenant: ctx.tenant.name }),
        loginPage({
          tenant: ctx.tenant,
          locale: ctx.locale,
          csrf: csrfToken(request),
          loginId: String(form.loginId ?? '').slice(0, 254),
          returnTo,
          error,
        }),
        status,
      );
    if (!isCsrfValid(request, form._csrf)) {
      return render(
        403,
        userMessage(ctx.locale, new SekishoError('ERR_CSRF', 'csrf token missing or wrong')),
      );
    }
    if (
      typeof form.loginId !== 'string' ||
      typeof form.password !== 'string' ||
      !form.loginId ||
      !form.password ||
      form.password.length > 1024
    ) {
      return render(
        400,
        userMessage(ctx.locale, new SekishoError('ERR_LOGIN_FAILED', 'missing credentials')),
      );
    }
    // Network and device first: a refused place never gets to try a password. A presented
    // device certificate is checked once and counts toward the policy's `cert` terms.
    const deviceCert = await checkDeviceCertificate(services, request, ctx.tenant.id);
    const pre = await signInDecision(services, request, ctx, undefined, { deviceCert });
    if (pre.decision.kind === 'deny')
      return signInRefusedPage(reply, ctx, pre.decision, pre.reference);
    try {
      const user = await platform.passwords.login({
        tenant: ctx.tenant,
        loginId: form.loginId,
        password: form.password,
        origin: ctx.origin,
      });
      const post = await signInDecision(services, request, ctx, user, { deviceCert });
      const ownCert = deviceCertFor(deviceCert, user);
      if (post.decision.kind === 'challenge') {
        const step = await startFactorStep(services, request, reply, ctx, {
          user,
          amr: ['pwd'],
          decision: post.decision,
          returnTo,
          deviceCert: ownCert,
        });
        if (step) return step;
      }
      if (post.decision.kind !== 'allow')
        return signInRefusedPage(reply, ctx, post.decision, post.reference);
      startSession(request, ctx.tenant, user, ['pwd'], platform.clock.now().getTime(), ownCert);
      await maybeIssuePass(services, request, reply, ctx, user, ['pwd'], deviceCert);
      const base = `/t/${ctx.tenant.slug}`;
      if (user.mustChangePassword) return reply.redirect(`${base}/password/change`, 303);
      return reply.redirect(returnTo ?? `${base}/portal`, 303);
    } catch (err) {
      if (err instanceof SekishoError && err.expose) {
        if (err.code === 'ERR_LOGIN_THROTTLED')
          reply.header('retry-after', String(err.params.seconds ?? 60));
        return render(err.status, userMessage(ctx.locale, err));
      }
      throw err;
    }
  });

  // "Log in with device certificate": the certificate comes from the request context (a TLS
  // handshake that asked for one, or a trusted proxy's forwarded header). Personal and
  // shared certificates lead to the password form (the certificate then counts toward the
  // policy's `cert` terms); a passwordless one signs the user in (amr hwk) when the policy
  // allows it, else goes to the second-factor step (e.g. Lock approval: no password at all).
  app.get('/t/:tenant/login/certificate', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    type Key = Parameters<typeof idpMessages.t>[1];
    const t = (k: Key, p?: Record<string, string>) => idpMessages.t(ctx.locale, k, p);
    const base = `/t/${ctx.tenant.slug}`;
    const check = await checkDeviceCertificate(services, request, ctx.tenant.id);
    if (!check) {
      const body = html`<p class="notice" role="status">${t('login.deviceCertUnavailable')}</p>
        <p><a href="${base}/login">${t('login.submit')}</a></p>`;
      return sendPage(reply, ctx.locale, t('login.deviceCert'), body, 403);
    }
    const user = check.ok ? await platform.users.get(ctx.tenant.id, check.userId) : undefined;
    if (!check.ok || user?.status !== 'active') {
      const reason = check.ok ? 'user-inactive' : check.reason;
      const { reference } = await platform.audit.record({
        tenantId: ctx.tenant.id,
        actor: user ? { type: 'user', id: user.id, name: user.loginId } : { type: 'anonymous' },
        action: 'login.device-cert',
        result: 'failure',
        reason,
        origin: ctx.origin,
      });
      const known = `login.deviceCertReason.${reason}`;
      const text = t((known in REASON_KEYS ? known : 'login.deviceCertReason.other') as Key);
      const body = html`<p class="error" role="alert">${t('login.deviceCertRefused', { reason: text })}</p>
        <p class="muted">${t('gate.reference', { reference })}</p>
        <p><a href="${base}/login">${t('login.submit')}</a></p>`;
      return sendPage(reply, ctx.locale, t('login.deviceCert'), body, 403);
    }
    const returnTo = safeReturnPath((request.query as { return?: string }).return, ctx.tenant.slug);
    if (await activeSession(request, platform, ctx.tenant)) {
      return reply.redirect(returnTo ?? `${base}/portal`, 303);
    }
    if (check.loginType !== 'passwordless') {
      const pre = await signInDecision(services, request, ctx, undefined, { deviceCert: check });
      if (pre.decision.kind === 'deny')
        return signInRefusedPage(reply, ctx, pre.decision, pre.reference);
      const body = loginPage({
        tenant: ctx.tenant,
        locale: ctx.locale,
        csrf: csrfToken(request),
        loginId: check.loginType === 'personal' ? user.loginId : '',
        returnTo,
        notice: t('login.deviceCertPassword'),
      });
      return sendPage(reply, ctx.locale, t('login.heading', { tenant: ctx.tenant.name }), body);
    }
    const amr = ['hwk'];
    const post = await signInDecision(services, request, ctx, user, { amr, deviceCert: check });
    const loginType = { loginType: check.loginType };
    if (post.decision.kind === 'challenge') {
      const step = await startFactorStep(services, request, reply, ctx, {
        user,
        amr,
        decision: post.decision,
        returnTo,
        deviceCert: loginType,
      });
      if (step) return step;
    }
    if (post.decision.kind !== 'allow')
      return signInRefusedPage(reply, ctx, post.decision, post.reference);
    startSession(request, ctx.tenant, user, amr, platform.clock.now().getTime(), loginType);
    await platform.audit.record({
      tenantId: ctx.tenant.id,
      actor: { type: 'user', id: user.id, name: user.loginId },
      action: 'login.device-cert',
      target: { type: 'user', id: user.id },
      result: 'success',
      origin: ctx.origin,
    });
    await maybeIssuePass(services, request, reply, ctx, user, amr, check);
    if (user.mustChangePassword) return reply.redirect(`${base}/password/change`, 303);
    return reply.redirect(returnTo ?? `${base}/portal`, 303);
  });

  app.post<{ Body: { _csrf?: string } }>('/t/:tenant/logout', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    if (!isCsrfValid(request, request.body?._csrf))
      throw new SekishoError('ERR_CSRF', 'csrf token missing or wrong');
    // After the SAML SPs, end the OpenID provider's session too (RPs hear by back-channel).
    const endOidc = `/t/${ctx.tenant.slug}/oidc/session/end`;
    const current = request.session.get('auth');
    const samlSps =
      current?.tenantId === ctx.tenant.id ? await takeParticipants(platform.kv, current.sid) : [];
    await signOut(
      platform,
      request,
      ctx,
      samlSps.length > 0 ? { propagateTo: samlSps.length } : undefined,
    );
    // Every SAML SP the session signed in to gets a LogoutRequest in turn (front channel).
    return advanceChain(services, reply, ctx, {
      remaining: samlSps,
      partial: false,
      then: endOidc,
    });
  });
};
