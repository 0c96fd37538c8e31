/**
 * The page for a SAML error that has nowhere safe to go (see saml-error.ts): what happened
 * in the user's language, and the audit reference. Nothing is posted or redirected.
 */
import type { FastifyReply } from 'fastify';
import { html } from '@sekisho/platform';
import { idpMessages } from '../messages.ts';
import { sendPage, type PageContext } from '../routes/page-context.ts';
import type { SamlErrorCode } from './saml-error.ts';

type Key = Parameters<typeof idpMessages.t>[1];

const MESSAGE: Partial<Record<SamlErrorCode, Key>> = {
  ERR_SAML_UNKNOWN_SP: 'saml.error.unknownSp',
  ERR_SAML_UNKNOWN_ACS: 'saml.error.unknownAcs',
  ERR_SAML_PENDING_EXPIRED: 'saml.error.expired',
  ERR_SAML_IDP_INITIATED_OFF: 'saml.error.idpInitiatedOff',
  ERR_SAML_NO_SLO_ENDPOINT: 'saml.error.noSlo',
};

export function sendSamlErrorPage(
  reply: FastifyReply,
  ctx: PageContext,
  code: SamlErrorCode,
  reference: string,
): FastifyReply {
  const t = (key: Key, params?: Record<string, string>) => idpMessages.t(ctx.locale, key, params);
  const body = html`
    <p class="error" role="alert">${t(MESSAGE[code] ?? 'saml.error.request')}</p>
    <p class="muted">${t('saml.error.help', { reference })}</p>`;
  const status = code === 'ERR_SAML_UNKNOWN_SP' ? 404 : code === 'ERR_SAML_TOO_LARGE' ? 413 : 400;
  return sendPage(reply, ctx.locale, t('saml.error.title'), body, status);
}
