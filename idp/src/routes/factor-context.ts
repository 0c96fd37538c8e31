/**
 * What every factor route starts with: the tenant page context, the live pending sign-in of
 * this tenant (else a page saying the sign-in expired, with a link to start again), the factor
 * port, and for POSTs the CSRF check. Also the choice page every form falls back to.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SekishoError, html } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import { currentPendingSignIn, type PendingSignIn } from '../login/pending-sign-in.ts';
import type { FactorKind, SecondFactorPort } from '../login/second-factor.ts';
import { SETUP_FACTORS } from '../login/factor-step.ts';
import { idpMessages } from '../messages.ts';
import { factorChoicePage } from '../pages/factor-pages.ts';
import { csrfToken, isCsrfValid } from '../session/web-session.ts';
import { pageContext, sendPage, type PageContext } from './page-context.ts';
import { userMessage } from './page-errors.ts';

export interface FactorRequest {
  ctx: PageContext;
  pending: PendingSignIn;
  port: SecondFactorPort;
  /** `/t/{slug}/login/factor` */
  base: string;
}

export type Key = Parameters<typeof idpMessages.t>[1];

/** The factor request, or the reply already sent (expired sign-in, bad CSRF token). */
export async function factorRequest(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { form?: boolean } = {},
): Promise<FactorRequest | FastifyReply> {
  const ctx = await pageContext(request, services.platform);
  const t = (k: Key) => idpMessages.t(ctx.locale, k);
  const now = services.platform.clock.now().getTime();
  const pending = currentPendingSignIn(request, ctx.tenant, now);
  const port = services.factors;
  if (!pending || !port) {
    const body = html`<p class="error" role="alert">${t('factor.expired')}</p>
      <p><a href="/t/${ctx.tenant.slug}/login">${t('login.submit')}</a></p>`;
    return sendPage(reply, ctx.locale, t('factor.title'), body, 400);
  }
  if (options.form && !isCsrfValid(request, (request.body as { _csrf?: unknown })?._csrf)) {
    const err = new SekishoError('ERR_CSRF', 'csrf token missing or wrong');
    const body = html`<p class="error" role="alert">${userMessage(ctx.locale, err)}</p>
      <p><a href="/t/${ctx.tenant.slug}/login/factor">${t('factor.title')}</a></p>`;
    return sendPage(reply, ctx.locale, t('factor.title'), body, 403);
  }
  return { ctx, pending, port, base: `/t/${ctx.tenant.slug}/login/factor` };
}

export function isReply(value: FactorRequest | FastifyReply): value is FastifyReply {
  return !('pending' in value);
}

/** The accepted factors the user has set up, and those the user may set up now. */
export async function factorOptions(
  f: FactorRequest,
): Promise<{ enrolled: FactorKind[]; setup: FactorKind[] }> {
  const all = await f.port.enrolled(f.ctx.tenant.id, f.pending.userId);
  const enrolled = f.pending.factors.filter((k) => all.includes(k));
  // Setting one up here is trust on first use (the first factor has passed): only while the
  // user has none of the accepted factors, so a stolen password cannot add one beside them.
  const setup = enrolled.length ? [] : f.pending.factors.filter((k) => SETUP_FACTORS.includes(k));
  return { enrolled, setup };
}

export async function sendChoice(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  f: FactorRequest,
  extra: { error?: string; notice?: string; status?: number } = {},
): Promise<FastifyReply> {
  const { enrolled, setup } = await factorOptions(f);
  const user = await services.platform.users.get(f.ctx.tenant.id, f.pending.userId);
  const body = factorChoicePage({
    locale: f.ctx.locale,
    base: f.base,
    csrf: csrfToken(request),
    loginId: user?.loginId ?? '',
    enrolled,
    setup,
    enrolmentRequired: f.pending.reason === 'second-factor-enrolment-required',
    error: extra.error,
    notice: extra.notice,
  });
  const title = idpMessages.t(f.ctx.locale, 'factor.title');
  return sendPage(reply, f.ctx.locale, title, body, extra.status ?? 200);
}
