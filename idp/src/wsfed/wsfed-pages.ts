/**
 * The pages of the WS-Federation endpoint:
 * - the form that posts the token to the relying party's reply URL (WS-Federation 1.2
 *   section 13.2.3: wa, wresult, wctx by HTTP POST). It submits itself with the one inline
 *   script its CSP allows by hash, and shows a Continue button when scripts are off. The
 *   action is a reply URL the relying party registered, never the raw `wreply`;
 * - a refusal page naming what was wrong, with a reference found in the log;
 * - the signed-out page.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { PAGE_CSP, html, raw, renderPage } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';
import { sendPage, type PageContext } from '../routes/page-context.ts';
import type { WsFedRefusal } from './wsfed-request.ts';

const SUBMIT_SCRIPT = 'document.forms[0].submit();';
const SCRIPT_HASH = `sha256-${createHash('sha256').update(SUBMIT_SCRIPT).digest('base64')}`;

type Key = Parameters<typeof idpMessages.t>[1];

/** PAGE_CSP plus the submit script; a loopback http reply URL is added to form-action. */
function postCsp(action: string): string {
  const url = new URL(action);
  const extra = url.protocol === 'http:' ? ` ${url.origin}` : '';
  return `${PAGE_CSP.replace("form-action 'self' https:", `form-action 'self' https:${extra}`)}; script-src '${SCRIPT_HASH}'`;
}

export function postTokenPage(
  reply: FastifyReply,
  ctx: PageContext,
  appName: string,
  action: string,
  wresult: string,
  wctx: string | undefined,
): FastifyReply {
  const t = (k: Key, p?: Record<string, string>) => idpMessages.t(ctx.locale, k, p);
  const body = html`
    <form method="post" action="${action}">
      <input type="hidden" name="wa" value="wsignin1.0">
      <input type="hidden" name="wresult" value="${wresult}">
      ${wctx === undefined ? '' : html`<input type="hidden" name="wctx" value="${wctx}">`}
      <p>${t('wsfed.posting', { app: appName })}</p>
      <button type="submit">${t('wsfed.continue')}</button>
    </form>
    ${raw(`<script>${SUBMIT_SCRIPT}</script>`)}`;
  return reply
    .code(200)
    .header('content-security-policy', postCsp(action))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(renderPage({ locale: ctx.locale, title: t('wsfed.posting', { app: appName }), body }));
}

const REFUSAL_TEXT: Record<WsFedRefusal, Key> = {
  'wa-missing': 'wsfed.error.request',
  'wa-unsupported': 'wsfed.error.request',
  'parameter-repeated': 'wsfed.error.request',
  'parameter-too-long': 'wsfed.error.request',
  'realm-missing': 'wsfed.error.request',
  'realm-unknown': 'wsfed.error.realmUnknown',
  'reply-unregistered': 'wsfed.error.replyUnregistered',
  'resume-expired': 'wsfed.error.resumeExpired',
  'wfresh-invalid': 'wsfed.error.wfreshInvalid',
  'wauth-unsupported': 'wsfed.error.wauthUnsupported',
  'wauth-unsatisfied': 'wsfed.error.wauthUnsatisfied',
};

/**
 * 400 with the reason in words; `reference` is the request id the log line carries, or the
 * audit event's reference.
 */
export function refusalPage(
  reply: FastifyReply,
  ctx: PageContext,
  reason: WsFedRefusal,
  reference: string,
  params: Record<string, string> = {},
): FastifyReply {
  const t = (k: Key, p?: Record<string, string>) => idpMessages.t(ctx.locale, k, p);
  const body = html`
    <p class="error" role="alert">${t(REFUSAL_TEXT[reason], params)}</p>
    <p class="muted">${t('wsfed.error.help', { reference })}</p>`;
  return sendPage(reply, ctx.locale, t('wsfed.error.title'), body, 400);
}

export function attributeMissingPage(
  reply: FastifyReply,
  ctx: PageContext,
  params: { app: string; attribute: string },
  reference: string,
): FastifyReply {
  const t = (k: Key, p?: Record<string, string>) => idpMessages.t(ctx.locale, k, p);
  const body = html`
    <p class="error" role="alert">${t('wsfed.error.attributeMissing', params)}</p>
    <p class="muted">${t('gate.reference', { reference })}</p>`;
  return sendPage(reply, ctx.locale, t('wsfed.error.title'), body, 403);
}

export function signedOutPage(reply: FastifyReply, ctx: PageContext): FastifyReply {
  const t = (k: Key) => idpMessages.t(ctx.locale, k);
  const body = html`
    <p class="notice" role="status">${t('logout.done')}</p>
    <p><a href="/t/${ctx.tenant.slug}/login">${t('login.submit')}</a></p>`;
  return sendPage(reply, ctx.locale, t('wsfed.signedOut.title'), body);
}
