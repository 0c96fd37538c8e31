/**
 * The HTTP-POST binding's browser step (SAML bindings §3.5.4): a page whose form carries the
 * base64 message and RelayState to the SP's endpoint and submits itself.
 * The page keeps the strict page CSP (PAGE_CSP) with two changes: `script-src` allows only
 * the one auto-submit script, by its SHA-256 hash (CSP3 hash-source), and `form-action`
 * allows only the origin of this validated endpoint. Without script the user presses the
 * button. The endpoint URL is always one from the SP's registration, never from a request.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { PAGE_CSP, html, raw, renderPage, type Locale } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';

const SCRIPT = "document.getElementById('saml-post').submit();";
const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT, 'utf8').digest('base64')}`;

/** PAGE_CSP with this page's script allowed and forms allowed to post to `action` only. */
export function postFormCsp(action: string): string {
  const origin = new URL(action).origin;
  const directives = PAGE_CSP.split('; ').filter((d) => !d.startsWith('form-action'));
  return [...directives, `script-src '${SCRIPT_HASH}'`, `form-action ${origin}`].join('; ');
}

export interface PostForm {
  action: string;
  fields: Record<string, string | undefined>;
  /** Shown as the title: the application's name. */
  app: string;
}

export function sendPostForm(reply: FastifyReply, locale: Locale, form: PostForm): FastifyReply {
  const t = (key: Parameters<typeof idpMessages.t>[1]) =>
    idpMessages.t(locale, key, { app: form.app });
  const inputs = Object.entries(form.fields)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  const body = html`<form id="saml-post" method="post" action="${form.action}">
${inputs}
<p class="muted">${t('saml.post.hint')}</p>
<button type="submit">${t('saml.post.continue')}</button>
</form>
${raw('<script>' + SCRIPT + '</script>')}`;
  return reply
    .code(200)
    .header('content-security-policy', postFormCsp(form.action))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(renderPage({ locale, title: t('saml.post.title'), body }));
}
