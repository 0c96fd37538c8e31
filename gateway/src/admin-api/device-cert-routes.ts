/**
 * Device certificates of a tenant (issue #5) under `/api/tenants/{tenant}/device-certificates`:
 * issue (single or from a CSR), list and export, read, one-time download links and the
 * installation mail here; bulk import, state changes (revoke, renew, swap, resume) and the
 * settings and trust anchors in the files this one registers.
 *
 * - Issuance never exceeds the contracted count (the service locks the tenant row while it
 *   counts); a refused request changes nothing and answers 409 `ERR_DEVICE_CERT_LIMIT`.
 * - Every change is audited; a download link's password is returned once and never logged.
 * - Reading needs the `device-certs` area, changing it `device-certs` write (global admins and
 *   device-certificate admins; read-only admins read only).
 */
import type { FastifyPluginAsyncTypebox, Static } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { Platform } from '@sekisho/platform';
import type { DeviceCertFilter, DeviceCertService } from '@sekisho/device-cert';
import { TenantIdParams, TenantParams, problems } from './schemas.ts';
import { routeTenant } from './principal.ts';
import {
  read,
  write,
  tags,
  BASE,
  Locale,
  DeviceCertificateSchema,
  IssueBody,
  CsrBody,
  DownloadBody,
  CreatedDownload,
  ListQuery,
} from './device-cert-schemas.ts';
import {
  emptyBodyAsObject,
  resolveUser,
  mailLocaleOf,
  mustGet,
  downloadUrl,
  certAudit,
} from './device-cert-route-helpers.ts';
import { deviceCertAnchorCrlRoutes } from './device-cert-anchor-crl-routes.ts';
import { deviceCertImportRoutes } from './device-cert-import-routes.ts';
import { deviceCertLifecycleRoutes } from './device-cert-lifecycle-routes.ts';
import { deviceCertSettingsRoutes } from './device-cert-settings-routes.ts';

function toFilter(q: Static<typeof ListQuery>): DeviceCertFilter {
  const date = (v: string | undefined) => (v === undefined ? undefined : new Date(v));
  return {
    status: q.status as DeviceCertFilter['status'],
    os: q.os,
    loginType: q.loginType,
    userId: q.userId,
    lastUsedBefore: date(q.lastUsedBefore),
    lastUsedAfter: date(q.lastUsedAfter),
    notAfterBefore: date(q.notAfterBefore),
    notAfterAfter: date(q.notAfterAfter),
    neverUsed: q.neverUsed,
  };
}

export const deviceCertAdminRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  deviceCerts: DeviceCertService;
}> = async (app, { platform, deviceCerts: certs }) => {
  const audit = certAudit(platform);

  const options = { platform, deviceCerts: certs };
  await app.register(deviceCertImportRoutes, options);
  await app.register(deviceCertLifecycleRoutes, options);
  await app.register(deviceCertSettingsRoutes, options);
  await app.register(deviceCertAnchorCrlRoutes, options);

  app.post(
    BASE,
    {
      config: write,
      schema: {
        tags,
        summary: 'Issue a device certificate (server-generated key, delivered as PKCS#12)',
        description:
          'Refused whole with 409 ERR_DEVICE_CERT_LIMIT when the contracted count is reached.',
        params: TenantParams,
        body: IssueBody,
        response: { 201: DeviceCertificateSchema, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const { body } = request;
      const user = await resolveUser(platform, tenant, body);
      let cert = await certs.issue(tenant.id, {
        userId: user.id,
        device: body.device,
        loginType: body.loginType,
        ...(body.validityDays !== undefined && { validityDays: body.validityDays }),
      });
      const mailLocale = body.sendMail ? mailLocaleOf(body.mailLocale, user, tenant) : undefined;
      if (mailLocale) cert = await certs.queueInstallationMail(tenant.id, cert.id, mailLocale);
      await audit(request, 'device-cert.issue', cert.id, {
        userId: user.id,
        serial: cert.serial,
        loginType: cert.loginType,
        ...(mailLocale && { mailLocale }),
      });
      return reply.code(201).send(cert);
    },
  );

  app.post(
    `${BASE}/csr`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Issue a device certificate for a CSR (the device keeps its key)',
        params: TenantParams,
        body: CsrBody,
        response: { 201: DeviceCertificateSchema, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const { body } = request;
      const userId = (await resolveUser(platform, tenant, body)).id;
      const cert = await certs.issueFromCsr(tenant.id, {
        userId,
        device: body.device,
        loginType: body.loginType,
        csrPem: body.csrPem,
        ...(body.validityDays !== undefined && { validityDays: body.validityDays }),
      });
      await audit(request, 'device-cert.issue-csr', cert.id, { userId, serial: cert.serial });
      return reply.code(201).send(cert);
    },
  );

  app.get(
    `${BASE}/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Read a device certificate',
        params: TenantIdParams,
        response: { 200: DeviceCertificateSchema, ...problems },
      },
    },
    async (request) => mustGet(certs, routeTenant(request).id, request.params.id),
  );

  app.post(
    `${BASE}/:id/downloads`,
    {
      config: write,
      preValidation: emptyBodyAsObject,
      schema: {
        tags,
        summary: 'Create a one-time download link (PKCS#12) for the user',
        description:
          'The password is returned only in this response; the user enters it on the download page and when installing the file.',
        params: TenantIdParams,
        body: DownloadBody,
        response: { 201: CreatedDownload, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const cert = await mustGet(certs, tenant.id, request.params.id);
      const { body } = request;
      const created = await certs.createDownload(tenant.id, cert.id, {
        ...(body.limit !== undefined && { maxDownloads: body.limit }),
        ...(body.hours !== undefined && { ttlHours: body.hours }),
      });
      await audit(request, 'device-cert.download-create', cert.id, {
        downloadId: created.id,
        downloadsLeft: created.downloadsLeft,
        expiresAt: created.expiresAt.toISOString(),
      });
      return reply.code(201).send({
        token: created.token,
        password: created.password,
        url: downloadUrl(platform, tenant, created.token),
        expiresAt: created.expiresAt,
        downloadsLeft: created.downloadsLeft,
      });
    },
  );

  app.get(
    BASE,
    {
      config: read,
      schema: {
        tags,
        summary: 'List device certificates, filtered; `?format=csv` exports the same as CSV',
        params: TenantParams,
        querystring: ListQuery,
        response: {
          200: Type.Union([
            Type.Object({
              certificates: Type.Array(DeviceCertificateSchema),
              total: Type.Integer(),
            }),
            Type.String({ description: 'text/csv with format=csv' }),
          ]),
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const filter = toFilter(request.query);
      if (request.query.format === 'csv') {
        const csv = await certs.exportCsv(tenant.id, filter);
        const day = platform.clock.now().toISOString().slice(0, 10);
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="${tenant.slug}-device-certificates-${day}.csv"`,
          )
          .send(csv);
      }
      const list = await certs.list(tenant.id, filter);
      return { certificates: list, total: list.length };
    },
  );

  app.post(
    `${BASE}/:id/mail`,
    {
      config: write,
      preValidation: emptyBodyAsObject,
      schema: {
        tags,
        summary: 'Queue (again) the installation mail of a certificate',
        description:
          'Sent in the background within a minute; `mail.status` in the certificate shows queued, sent or failed.',
        params: TenantIdParams,
        body: Type.Object({ locale: Type.Optional(Locale) }, { additionalProperties: false }),
        response: { 202: DeviceCertificateSchema, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const cert = await mustGet(certs, tenant.id, request.params.id);
      const user = await platform.users.get(tenant.id, cert.userId);
      const locale = mailLocaleOf(request.body.locale, user, tenant);
      const queued = await certs.queueInstallationMail(tenant.id, cert.id, locale);
      await audit(request, 'device-cert.mail', cert.id, { locale });
      return reply.code(202).send(queued);
    },
  );
};
