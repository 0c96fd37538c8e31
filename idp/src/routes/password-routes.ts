/**
 * Password change (self-service, or forced by an admin), forgotten password and reset link.
 * Forms carry the CSRF token; the forgot form answers the same whether or not the account
 * exists; a reset link is checked when shown and consumed once when used.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SekishoError, type Platform } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';
import {
  changePasswordPage,
  forgotPasswordPage,
  resetPasswordPage,
} from '../pages/password-pages.ts';
import { activeSession, csrfToken, isCsrfValid } from '../session/web-session.ts';
import { pageContext, sendPage, type PageContext } from './page-context.ts';
import { userMessage } from './page-errors.ts';
import { loginPage } from '../pages/login-page.ts';

type Form = Record<string, string | undefined>;

export const passwordRoutes: FastifyPluginAsync<{ platform: Platform }> = async (
  app,
  { platform },
) => {
  const minLength = platform.config.passwordMinLength;
  const title = (ctx: PageContext, k: 'password.change.title' | 'forgot.title' | 'reset.title') =>
    idpMessages.t(ctx.locale, k);
  const requireCsrf = (request: FastifyRequest, form: Form) => {
    if (!isCsrfValid(request, form._csrf))
      throw new SekishoError('ERR_CSRF', 'csrf token missing or wrong');
  };
  const checkConfirm = (form: Form) => {
    if (typeof form.newPassword !== 'string' || form.newPassword !== form.confirm) {
      throw new SekishoError('ERR_VALIDATION', 'passwords differ', { params: {} });
    }
    return form.newPassword;
  };
  const loginRedirect = (reply: FastifyReply, ctx: PageContext) =>
    reply.redirect(
      `/t/${ctx.tenant.slug}/login?return=${encodeURIComponent(`/t/${ctx.tenant.slug}/password/change`)}`,
      303,
    );

  app.get('/t/:tenant/password/change', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const s = await activeSession(request, platform, ctx.tenant);
    if (!s) return loginRedirect(reply, ctx);
    const body = changePasswordPage({
      base: `/t/${ctx.tenant.slug}`,
      locale: ctx.locale,
      csrf: csrfToken(request),
      forced: s.user.mustChangePassword,
      minLength,
    });
    return sendPage(reply, ctx.locale, title(ctx, 'password.change.title'), body);
  });

  app.post<{ Body: Form }>('/t/:tenant/password/change', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const form = request.body ?? {};
    const s = await activeSession(request, platform, ctx.tenant);
    if (!s) return loginRedirect(reply, ctx);
    const forced = s.user.mustChangePassword;
    try {
      requireCsrf(request, form);
      if (form.newPassword !== form.confirm)
        throw new SekishoError('ERR_VALIDATION', 'passwords differ');
      const next = checkConfirm(form);
      if (forced)
        await platform.passwords.completeForcedChange(ctx.tenant, s.user.id, next, ctx.origin);
      else
        await platform.passwords.change(
          ctx.tenant,
          s.user.id,
          form.currentPassword ?? '',
          next,
          ctx.origin,
        );
      request.session.set('auth', { ...s.auth, mustChangePassword: false });
      const body = changePasswordPage({
        base: `/t/${ctx.tenant.slug}`,
        locale: ctx.locale,
        csrf: csrfToken(request),
        forced: false,
        minLength,
        notice: idpMessages.t(ctx.locale, 'password.changed'),
      });
      return sendPage(reply, ctx.locale, title(ctx, 'password.change.title'), body);
    } catch (err) {
      if (!(err instanceof SekishoError) || !err.expose) throw err;
      const error =
        err.code === 'ERR_VALIDATION'
          ? idpMessages.t(ctx.locale, 'password.mismatch')
          : userMessage(ctx.locale, err);
      const body = changePasswordPage({
        base: `/t/${ctx.tenant.slug}`,
        locale: ctx.locale,
        csrf: csrfToken(request),
        forced,
        minLength,
        error,
      });
      return sendPage(reply, ctx.locale, title(ctx, 'password.change.title'), body, err.status);
    }
  });

  app.get('/t/:tenant/password/forgot', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    return sendPage(
      reply,
      ctx.locale,
      title(ctx, 'forgot.title'),
      forgotPasswordPage({
        base: `/t/${ctx.tenant.slug}`,
        locale: ctx.locale,
        csrf: csrfToken(request),
      }),
    );
  });

  app.post<{ Body: Form }>('/t/:tenant/password/forgot', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const form = request.body ?? {};
    requireCsrf(request, form);
    const waitMs = await platform.throttle.ipBlockedFor(ctx.origin.ip);
    if (waitMs > 0)
      throw new SekishoError('ERR_LOGIN_THROTTLED', 'throttled', {
        params: { seconds: Math.ceil(waitMs / 1000) },
      });
    if (typeof form.loginId === 'string' && form.loginId.length <= 254) {
      await platform.passwords.requestReset(ctx.tenant, form.loginId, ctx.origin);
    }
    const body = forgotPasswordPage({
      base: `/t/${ctx.tenant.slug}`,
      locale: ctx.locale,
      csrf: csrfToken(request),
      notice: idpMessages.t(ctx.locale, 'forgot.sent'),
    });
    return sendPage(reply, ctx.locale, title(ctx, 'forgot.title'), body);
  });

  app.get<{ Querystring: { token?: string } }>(
    '/t/:tenant/password/reset',
    async (request, reply) => {
      const ctx = await pageContext(request, platform);
      const token = request.query.token ?? '';
      if (!(await platform.passwords.isResetTokenLive(ctx.tenant, token)))
        throw new SekishoError('ERR_RESET_TOKEN_INVALID', 'reset link invalid');
      const body = resetPasswordPage({
        base: `/t/${ctx.tenant.slug}`,
        locale: ctx.locale,
        csrf: csrfToken(request),
        token,
        minLength,
      });
      return sendPage(
        reply.header('referrer-policy', 'no-referrer'),
        ctx.locale,
        title(ctx, 'reset.title'),
        body,
      );
    },
  );

  app.post<{ Body: Form }>('/t/:tenant/password/reset', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const form = request.body ?? {};
    requireCsrf(request, form);
    const token = form.token ?? '';
    try {
      const next = checkConfirm(form);
      await platform.passwords.completeReset(ctx.tenant, token, next, ctx.origin);
    } catch (err) {
      if (!(err instanceof SekishoError) || !err.expose || err.code === 'ERR_RESET_TOKEN_INVALID')
        throw err;
      const error =
        err.code === 'ERR_VALIDATION'
          ? idpMessages.t(ctx.locale, 'password.mismatch')
          : userMessage(ctx.locale, err);
      const body = resetPasswordPage({
        base: `/t/${ctx.tenant.slug}`,
        locale: ctx.locale,
        csrf: csrfToken(request),
        token,
        minLength,
        error,
      });
      return sendPage(reply, ctx.locale, title(ctx, 'reset.title'), body, err.status);
    }
    const body = loginPage({
      tenant: ctx.tenant,
      locale: ctx.locale,
      csrf: csrfToken(request),
      notice: idpMessages.t(ctx.locale, 'reset.done'),
    });
    return sendPage(
      reply,
      ctx.locale,
      idpMessages.t(ctx.locale, 'login.heading', { tenant: ctx.tenant.name }),
      body,
    );
  });
};
