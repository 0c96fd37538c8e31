/**
 * One error handler for the browser pages: an expected error becomes a localized page that
 * says what happened and what to do, with a reference the admin can find in the logs; an
 * unexpected one becomes a generic page (details stay in the log).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  html,
  isSekishoError,
  negotiateLocale,
  platformMessages,
  type Locale,
} from '@sekisho/platform';
import { sendPage } from './page-context.ts';

export function userMessage(locale: Locale, err: unknown): string {
  if (isSekishoError(err) && err.expose && platformMessages.has(err.code)) {
    return platformMessages.t(locale, err.code, err.params);
  }
  return platformMessages.t(locale, 'ERR_INTERNAL');
}

export function pageErrorHandler(
  err: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const locale: Locale =
    (err as { locale?: Locale }).locale ??
    negotiateLocale(request.headers['accept-language'], request.session?.get('lang') ?? null);
  const status = isSekishoError(err)
    ? err.status
    : err.statusCode && err.statusCode < 500
      ? err.statusCode
      : 500;
  if (status >= 500) request.log.error({ err }, 'page failed');
  else
    request.log.info(
      { code: (err as { code?: string }).code, detail: (err as { detail?: string }).detail },
      err.message,
    );
  const message =
    isSekishoError(err) || status >= 500
      ? userMessage(locale, err)
      : platformMessages.t(locale, 'ERR_VALIDATION');
  const body = html`
    <p class="error" role="alert">${message}</p>
    <p class="hint">${platformMessages.t(locale, 'page.error.reference', { reference: request.id })}</p>`;
  return sendPage(reply, locale, platformMessages.t(locale, 'page.error.title'), body, status);
}
