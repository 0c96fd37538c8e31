/**
 * What every browser page of a tenant needs: the tenant (from `/t/:tenant`), the language
 * (`?lang=`, then the cookie session's choice, then Accept-Language, then the tenant's
 * default) and the audit origin of the request. Pages are sent with a strict CSP.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  PAGE_CSP,
  SekishoError,
  negotiateLocale,
  renderPage,
  type Locale,
  type Platform,
  type SafeHtml,
  type Tenant,
  type AuditOrigin,
} from '@sekisho/platform';

export interface PageContext {
  tenant: Tenant;
  locale: Locale;
  origin: AuditOrigin & { ip: string };
}

export async function pageContext(
  request: FastifyRequest,
  platform: Platform,
): Promise<PageContext> {
  const { tenant: slug } = request.params as { tenant: string };
  const tenant = await platform.tenants.getBySlug(slug);
  const lang = (request.query as { lang?: string } | undefined)?.lang;
  if (lang === 'ja' || lang === 'en') request.session.set('lang', lang);
  const locale = negotiateLocale(
    request.headers['accept-language'],
    request.session.get('lang') ?? null,
    tenant?.defaultLocale ?? 'ja',
  );
  if (!tenant)
    throw Object.assign(new SekishoError('ERR_TENANT_NOT_FOUND', `no tenant '${slug}'`), {
      locale,
    });
  if (tenant.status !== 'active')
    throw Object.assign(new SekishoError('ERR_TENANT_INACTIVE', 'tenant is not active'), {
      locale,
    });
  const userAgent = request.headers['user-agent'];
  return {
    tenant,
    locale,
    origin: { ip: request.ip, requestId: request.id, ...(userAgent && { userAgent }) },
  };
}

export function sendPage(
  reply: FastifyReply,
  locale: Locale,
  title: string,
  body: SafeHtml,
  status = 200,
  csrfToken?: string,
  csp: string = PAGE_CSP,
): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', csp)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .type('text/html; charset=utf-8')
    .send(renderPage({ locale, title, body, ...(csrfToken && { csrfToken }) }));
}

/**
 * For the few pages that run this origin's own script file (waiting for a Lock approval):
 * `PAGE_CSP` plus `script-src 'self'` and `connect-src 'self'`. Still no inline script.
 */
export const SCRIPTED_PAGE_CSP = `${PAGE_CSP}; script-src 'self'; connect-src 'self'`;

/** A same-site path to return to after sign-in; anything else (other hosts, `//x`) is dropped. */
export function safeReturnPath(value: unknown, tenantSlug: string): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  if (!value.startsWith(`/t/${tenantSlug}/`) || value.startsWith('//') || /[\\\r\n]/.test(value))
    return undefined;
  return value;
}
