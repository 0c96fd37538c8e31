/**
 * Device-certificate URLs under `/t/:tenant` (issue #5):
 * - `GET device-ca/ca.pem`, `GET device-ca/crl` (`?format=pem`): the tenant CA and its CRL,
 *   public and unauthenticated for MDM tools and relying parties; an unknown or inactive
 *   tenant is a 404. Errors here are problem+json.
 * - `GET portal/device-certificates`: a signed-in user's own certificates (status, device,
 *   validity); `POST portal/device-certificates/:id/download` creates a download link for one
 *   of them and shows its one-time password once.
 * - `GET|POST device-certificates/download`: the download page; the POST redeems link token
 *   and one-time password for the PKCS#12 file, AES-256 or, on request, 3DES for old systems.
 *
 * Security: a user only ever sees or downloads their own certificates (another user's id is a
 * plain 404); the portal POST needs the session's CSRF token. The download POST needs no
 * session: the token (256 bits) and the password (about 80 bits) together are the capability,
 * the count and expiry are consumed atomically by the service, and a wrong password consumes
 * nothing. From the portal, a user can download a certificate only until its first download;
 * after that a new link must come from an administrator, so a user cannot copy a certificate
 * to further devices on their own.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  SekishoError,
  html,
  isSekishoError,
  type AuditOrigin,
  type Locale,
  type Platform,
  type Tenant,
} from '@sekisho/platform';
import type { DeviceCertificate, DeviceCertService } from '@sekisho/device-cert';
import {
  activeSession,
  csrfToken,
  isCsrfValid,
  pageContext,
  pageErrorHandler,
  sendPage,
  type PageContext,
} from '@sekisho/idp';
import { deviceCertMessages as m, type DeviceCertMessageKey } from './device-cert-messages.ts';

export interface DeviceCertRoutesOptions {
  platform: Platform;
  deviceCerts: DeviceCertService;
}

type Form = Record<string, string | undefined>;

/** The status words of the page; a status the catalog does not know is shown as is. */
function statusText(locale: Locale, cert: DeviceCertificate & { displayStatus?: string }): string {
  const key = `status.${cert.displayStatus ?? cert.status}`;
  return m.has(key) ? m.t(locale, key) : (cert.displayStatus ?? cert.status);
}

/** Whether the user may create a download link from the portal (see the file comment). */
export function isPortalDownloadable(cert: DeviceCertificate, now: Date): boolean {
  return cert.hasServerKey && cert.status === 'not_downloaded' && cert.notAfter > now;
}

function certList(ctx: PageContext, certs: DeviceCertificate[], csrf: string, now: Date) {
  const t = (k: DeviceCertMessageKey, p?: Record<string, string>) => m.t(ctx.locale, k, p);
  const day = new Intl.DateTimeFormat(ctx.locale === 'ja' ? 'ja-JP' : 'en', {
    dateStyle: 'medium',
    timeZone: ctx.tenant.timeZone,
  });
  const base = `/t/${ctx.tenant.slug}/portal/device-certificates`;
  if (!certs.length) return html`<p class="muted">${t('certs.none')}</p>`;
  return certs.map(
    (c) => html`<section class="device-cert">
      <h2>${c.device.description || c.device.os}</h2>
      <dl>
        <dt>${t('certs.device')}</dt>
        <dd>${c.device.os} (${c.device.deviceIdType}: ${c.device.deviceId})</dd>
        <dt>${t('certs.loginType')}</dt>
        <dd>${t(`loginType.${c.loginType}`)}</dd>
        <dt>${t('certs.status')}</dt>
        <dd class="status">${statusText(ctx.locale, c)}</dd>
        <dt>${t('certs.validity')}</dt>
        <dd>${t('certs.validityRange', { from: day.format(c.notBefore), to: day.format(c.notAfter) })}</dd>
      </dl>
      ${
        isPortalDownloadable(c, now)
          ? html`<form method="post" action="${base}/${c.id}/download">
              <input type="hidden" name="_csrf" value="${csrf}">
              <button type="submit">${t('certs.download')}</button>
            </form>`
          : c.hasServerKey && (c.status === 'downloaded' || c.status === 'in_use')
            ? html`<p class="muted">${t('certs.askAdmin')}</p>`
            : ''
      }
    </section>`,
  );
}

/** The download form; with `password` (just created) it is shown once, filled in. */
function downloadForm(ctx: PageContext, token: string, password?: string) {
  const t = (k: DeviceCertMessageKey) => m.t(ctx.locale, k);
  return html`<form method="post" action="/t/${ctx.tenant.slug}/device-certificates/download">
    <input type="hidden" name="token" value="${token}">
    <label for="password">${t('download.password')}</label>
    <input id="password" name="password" type="text" required autocomplete="off" spellcheck="false"
      ${password === undefined ? '' : html`value="${password}" readonly`}>
    <label for="encryption">${t('download.encryption')}</label>
    <select id="encryption" name="encryption">
      <option value="modern" selected>${t('download.modern')}</option>
      <option value="legacy">${t('download.legacy')}</option>
    </select>
    <p class="muted">${t('download.encryptionHint')}</p>
    <button type="submit">${t('download.submit')}</button>
  </form>`;
}

function userAudit(
  platform: Platform,
  tenant: Tenant,
  user: { id: string; loginId: string } | undefined,
  action: string,
  result: 'success' | 'failure',
  origin: AuditOrigin,
  extra: { target?: { type: string; id: string }; reason?: string; details?: object } = {},
) {
  return platform.audit.record({
    tenantId: tenant.id,
    actor: user ? { type: 'user', id: user.id, name: user.loginId } : { type: 'anonymous' },
    action,
    result,
    origin,
    ...(extra.target && { target: extra.target }),
    ...(extra.reason && { reason: extra.reason }),
    ...(extra.details && { details: { ...extra.details } }),
  });
}

const portalPages: FastifyPluginAsync<DeviceCertRoutesOptions> = async (
  app,
  { platform, deviceCerts },
) => {
  const signedIn = async (request: FastifyRequest, reply: FastifyReply, ctx: PageContext) => {
    const base = `/t/${ctx.tenant.slug}`;
    const s = await activeSession(request, platform, ctx.tenant);
    if (!s) {
      const back = encodeURIComponent(`${base}/portal/device-certificates`);
      await reply.redirect(`${base}/login?return=${back}`, 303);
      return undefined;
    }
    if (s.user.mustChangePassword) {
      await reply.redirect(`${base}/password/change`, 303);
      return undefined;
    }
    return s.user;
  };

  app.get('/t/:tenant/portal/device-certificates', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const user = await signedIn(request, reply, ctx);
    if (!user) return reply;
    const certs = await deviceCerts.listForUser(ctx.tenant.id, user.id);
    const body = html`<p>${m.t(ctx.locale, 'certs.intro')}</p>
      ${certList(ctx, certs, csrfToken(request), platform.clock.now())}
      <p><a href="/t/${ctx.tenant.slug}/portal">${m.t(ctx.locale, 'certs.back')}</a></p>`;
    return sendPage(reply, ctx.locale, m.t(ctx.locale, 'certs.title'), body);
  });

  app.post<{ Body: Form; Params: { tenant: string; id: string } }>(
    '/t/:tenant/portal/device-certificates/:id/download',
    async (request, reply) => {
      const ctx = await pageContext(request, platform);
      const user = await signedIn(request, reply, ctx);
      if (!user) return reply;
      if (!isCsrfValid(request, request.body?._csrf))
        throw new SekishoError('ERR_CSRF', 'csrf token missing or wrong');
      const id = request.params.id;
      const cert = /^[0-9a-f-]{36}$/i.test(id)
        ? await deviceCerts.get(ctx.tenant.id, id)
        : undefined;
      // Another user's certificate is "not found": its existence is not theirs to learn.
      if (!cert || cert.userId !== user.id)
        throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate of this user');
      if (!isPortalDownloadable(cert, platform.clock.now()))
        throw new SekishoError('ERR_CONFLICT', 'download from the portal is no longer possible');
      const created = await deviceCerts.createDownload(ctx.tenant.id, cert.id);
      await userAudit(
        platform,
        ctx.tenant,
        user,
        'device-cert.download-create',
        'success',
        ctx.origin,
        {
          target: { type: 'device-certificate', id: cert.id },
          details: { via: 'portal', downloadId: created.id, downloadsLeft: created.downloadsLeft },
        },
      );
      const when = new Intl.DateTimeFormat(ctx.locale === 'ja' ? 'ja-JP' : 'en', {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: ctx.tenant.timeZone,
      });
      const body = html`<p class="notice" role="alert">${m.t(ctx.locale, 'download.passwordOnce')}</p>
        <p class="one-time-password"><strong>${created.password}</strong></p>
        <p class="muted">${m.t(ctx.locale, 'download.expires', {
          count: created.downloadsLeft,
          expires: when.format(created.expiresAt),
        })}</p>
        ${downloadForm(ctx, created.token, created.password)}`;
      return sendPage(reply, ctx.locale, m.t(ctx.locale, 'download.title'), body);
    },
  );
};

const downloadPages: FastifyPluginAsync<DeviceCertRoutesOptions> = async (
  app,
  { platform, deviceCerts },
) => {
  const tokenOf = (value: unknown): string => {
    if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{10,200}$/.test(value))
      throw new SekishoError('ERR_VALIDATION', 'token missing or malformed');
    return value;
  };

  app.get('/t/:tenant/device-certificates/download', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const token = tokenOf((request.query as { token?: unknown }).token);
    const body = html`<p>${m.t(ctx.locale, 'download.enterPassword')}</p>
      ${downloadForm(ctx, token)}`;
    return sendPage(reply, ctx.locale, m.t(ctx.locale, 'download.title'), body);
  });

  app.post<{ Body: Form }>('/t/:tenant/device-certificates/download', async (request, reply) => {
    const ctx = await pageContext(request, platform);
    const form = request.body ?? {};
    const token = tokenOf(form.token);
    const password = form.password?.trim() ?? '';
    if (!password || password.length > 100)
      throw new SekishoError('ERR_VALIDATION', 'password missing');
    const encryption = form.encryption ?? 'modern';
    if (encryption !== 'modern' && encryption !== 'legacy')
      throw new SekishoError('ERR_VALIDATION', 'encryption must be modern or legacy');
    let file: Buffer;
    try {
      file = await deviceCerts.redeemDownload(ctx.tenant.id, token, password, {
        legacy: encryption === 'legacy',
      });
    } catch (err) {
      if (!isSekishoError(err) || err.code !== 'ERR_NOT_FOUND') throw err;
      await userAudit(
        platform,
        ctx.tenant,
        undefined,
        'device-cert.download',
        'failure',
        ctx.origin,
        {
          reason: 'download-invalid',
        },
      );
      throw new SekishoError('ERR_DEVICE_CERT_DOWNLOAD_INVALID', err.message, { cause: err });
    }
    await userAudit(
      platform,
      ctx.tenant,
      undefined,
      'device-cert.download',
      'success',
      ctx.origin,
      {
        details: { encryption },
      },
    );
    return reply
      .type('application/x-pkcs12')
      .header(
        'content-disposition',
        `attachment; filename="${ctx.tenant.slug}-device-certificate.p12"`,
      )
      .header('cache-control', 'no-store')
      .send(file);
  });
};

export const deviceCertRoutes: FastifyPluginAsync<DeviceCertRoutesOptions> = async (
  app,
  options,
) => {
  const { platform, deviceCerts } = options;
  async function tenantOf(params: unknown): Promise<Tenant> {
    const { tenant: slug } = params as { tenant: string };
    const tenant = await platform.tenants.getBySlug(slug);
    if (!tenant || tenant.status !== 'active')
      throw new SekishoError('ERR_NOT_FOUND', `no tenant '${slug}'`);
    return tenant;
  }

  app.get('/t/:tenant/device-ca/ca.pem', async (request, reply) => {
    const tenant = await tenantOf(request.params);
    const { certificatePem } = await deviceCerts.ensureCa(tenant.id);
    return reply
      .type('application/x-pem-file')
      .header('content-disposition', `attachment; filename="${tenant.slug}-device-ca.pem"`)
      .header('cache-control', 'public, max-age=3600')
      .send(certificatePem);
  });

  app.get('/t/:tenant/device-ca/crl', async (request, reply) => {
    const tenant = await tenantOf(request.params);
    const crl = await deviceCerts.crl(tenant.id);
    const pem = (request.query as { format?: string }).format === 'pem';
    // Short caching: a revocation must be visible soon after it commits.
    reply.header('cache-control', 'public, max-age=60');
    reply.header('last-modified', crl.thisUpdate.toUTCString());
    return pem
      ? reply.type('application/x-pem-file').send(crl.pem)
      : reply.type('application/pkix-crl').send(crl.der);
  });

  // The browser pages answer errors with the localized error page, not problem+json.
  await app.register(async (pages) => {
    pages.setErrorHandler(pageErrorHandler);
    // Browser pages, not part of the admin API: kept out of the OpenAPI document.
    pages.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    await pages.register(portalPages, options);
    await pages.register(downloadPages, options);
  });
};
