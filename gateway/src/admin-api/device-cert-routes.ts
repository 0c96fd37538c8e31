/**
 * Device certificates of a tenant (issue #5) under `/api/tenants/{tenant}/device-certificates`:
 * issue (single, from a CSR, or in bulk from CSV/TSV), list and export, read, revoke (one or
 * all of a user's), renew, mark as being replaced, resume a suspended one, one-time download
 * links, the installation mail, the tenant's settings and trusted CAs.
 *
 * - Issuance never exceeds the contracted count (the service locks the tenant row while it
 *   counts); a refused request changes nothing and answers 409 `ERR_DEVICE_CERT_LIMIT`.
 * - Every change is audited; a download link's password is returned once and never logged.
 * - Reading needs the `device-certs` area, changing it `device-certs` write (global admins and
 *   device-certificate admins; read-only admins read only).
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';
import {
  SekishoError,
  ValidationError,
  type FieldProblem,
  type Locale as LocaleCode,
  type Platform,
  type Tenant,
  type User,
} from '@sekisho/platform';
import {
  REVOCATION_REASONS,
  type DeviceCertFilter,
  type DeviceCertificate,
  type DeviceCertService,
} from '@sekisho/device-cert';
import { DateTime, TenantIdParams, TenantParams, problems } from './schemas.ts';
import { auditActor, auditAdminAction, auditOrigin, routeTenant } from './principal.ts';

const read = { access: { area: 'device-certs' as const, write: false } };
const write = { access: { area: 'device-certs' as const, write: true } };
const tags = ['device-certificates'];
const BASE = '/api/tenants/:tenant/device-certificates';

const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en')]);
const LoginType = Type.Union(
  [Type.Literal('personal'), Type.Literal('passwordless'), Type.Literal('shared')],
  { description: 'personal: certificate + password; passwordless: certificate only; shared' },
);

const Device = Type.Object(
  {
    os: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. "Windows 11", "iOS 18"' }),
    deviceIdType: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'what deviceId is: serial, imei, udid, mac...',
    }),
    deviceId: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DeviceCertificateSchema = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  serial: Type.String({ description: 'upper-case hex' }),
  device: Type.Object({
    os: Type.String(),
    deviceIdType: Type.String(),
    deviceId: Type.String(),
    description: Type.String(),
  }),
  loginType: Type.String(),
  status: Type.String({
    description:
      'as stored: not_downloaded, downloaded, in_use, replacing, renewed, suspended, revoked, expired',
  }),
  displayStatus: Type.String({
    description: 'as shown: the stored status, or expired / expiring_soon by the date',
  }),
  notBefore: DateTime,
  notAfter: DateTime,
  lastUsedAt: Nullable(DateTime),
  lastUsedIp: Nullable(Type.String()),
  replacingSince: Nullable(DateTime),
  suspendedAt: Nullable(DateTime),
  renewedFrom: Nullable(Type.String({ description: 'the certificate this one renewed' })),
  mail: Type.Object(
    {
      status: Type.String({ description: 'none, queued, sending, sent or failed' }),
      locale: Nullable(Locale),
      error: Nullable(Type.String()),
      sentAt: Nullable(DateTime),
    },
    { description: 'the installation mail' },
  ),
  certificatePem: Type.String(),
  fingerprintSha256: Type.String(),
  hasServerKey: Type.Boolean({ description: 'false when issued from a CSR (no PKCS#12)' }),
  revokedAt: Nullable(DateTime),
  revocationReason: Nullable(Type.String()),
  createdAt: DateTime,
});

/** Who and what a certificate is for: shared by the single and the CSR issuance. */
const subjectFields = {
  userId: Type.Optional(Type.String({ format: 'uuid', description: 'give userId or loginId' })),
  loginId: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
  device: Device,
  loginType: LoginType,
  validityDays: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 825, description: "default: the tenant's setting" }),
  ),
};
const IssueBody = Type.Object(
  {
    ...subjectFields,
    sendMail: Type.Optional(
      Type.Boolean({ description: 'queue the installation mail to the user (default false)' }),
    ),
    mailLocale: Type.Optional(Locale),
  },
  { additionalProperties: false },
);
const CsrBody = Type.Object(
  {
    ...subjectFields,
    csrPem: Type.String({ maxLength: 20_000, description: 'PEM PKCS#10 request, RSA key' }),
  },
  { additionalProperties: false },
);

const RevokeBody = Type.Object(
  {
    reason: Type.Optional(
      Type.Union(
        REVOCATION_REASONS.map((r) => Type.Literal(r)),
        { description: 'RFC 5280 reason (default unspecified)' },
      ),
    ),
  },
  { additionalProperties: false },
);

const DownloadBody = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'downloads' })),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720, description: 'validity' })),
  },
  { additionalProperties: false },
);
const CreatedDownload = Type.Object({
  token: Type.String(),
  password: Type.String({ description: 'the one-time password; shown only in this response' }),
  url: Type.String({ description: 'the download page to hand to the user' }),
  expiresAt: DateTime,
  downloadsLeft: Type.Integer(),
});

const ListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({
        maxLength: 40,
        description:
          'display status: not_downloaded, downloaded, in_use, expiring_soon, renewed, expired, revoked, replacing, suspended',
      }),
    ),
    os: Type.Optional(Type.String({ maxLength: 200 })),
    loginType: Type.Optional(LoginType),
    userId: Type.Optional(Type.String({ format: 'uuid' })),
    lastUsedBefore: Type.Optional(Type.String({ format: 'date-time' })),
    lastUsedAfter: Type.Optional(Type.String({ format: 'date-time' })),
    notAfterBefore: Type.Optional(Type.String({ format: 'date-time', description: 'ends before' })),
    notAfterAfter: Type.Optional(Type.String({ format: 'date-time', description: 'ends after' })),
    neverUsed: Type.Optional(Type.Boolean()),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('csv')], {
        description: 'csv: a UTF-8 (BOM) CSV attachment with the same filters',
      }),
    ),
  },
  { additionalProperties: false },
);

const Settings = Type.Object({
  validityDays: Type.Integer({ description: 'validity of a new certificate' }),
  autoSuspendCopies: Type.Boolean({
    description: 'suspend a certificate seen from two places at once (suspected copy)',
  }),
  downloadLimit: Type.Integer({ description: 'downloads per link' }),
  downloadHours: Type.Integer({ description: 'hours a download link works' }),
});
const SettingsPatch = Type.Object(
  {
    validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 825 })),
    autoSuspendCopies: Type.Optional(Type.Boolean()),
    downloadLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    downloadHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
  },
  { additionalProperties: false },
);

const AnchorUserMatch = Type.Union([Type.Literal('email'), Type.Literal('login_id')], {
  description: 'how a certificate under the anchor names its user (default email)',
});
const TrustAnchor = Type.Object({
  id: Type.String(),
  name: Type.String(),
  subject: Type.String(),
  fingerprintSha256: Type.String(),
  notAfter: DateTime,
  loginType: Type.String(),
  userMatch: Type.String(),
  certificatePem: Type.String(),
  createdAt: DateTime,
});
const TrustAnchorBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    pem: Type.String({ maxLength: 20_000, description: 'the CA certificate, PEM' }),
    loginType: Type.Optional(LoginType),
    userMatch: Type.Optional(AnchorUserMatch),
  },
  { additionalProperties: false },
);

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

/** The JSON form of an import (the route also takes the file itself as text/csv or TSV). */
interface ImportJson {
  content: string;
  format?: 'csv' | 'tsv';
  sendMail?: boolean;
  mailLocale?: LocaleCode;
}
const ImportQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('tsv')])),
    sendMail: Type.Optional(
      Type.Boolean({ description: 'queue each installation mail (default false)' }),
    ),
    mailLocale: Type.Optional(Locale),
  },
  { additionalProperties: false },
);
const ImportResult = Type.Object({
  issued: Type.Array(DeviceCertificateSchema),
  rejected: Type.Array(
    Type.Object({
      line: Type.Integer({ description: "the row's line in the file (header = 1)" }),
      row: Type.Record(Type.String(), Type.String(), { description: 'the row as uploaded' }),
      code: Type.String(),
      error: Type.String(),
    }),
  ),
  rejectedCsv: Nullable(
    Type.String({ description: 'the rejected rows plus an error column, to fix and re-upload' }),
  ),
});

type Certs = DeviceCertService;

/** For POST routes whose JSON body is optional: no body reads as `{}`. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/** The JSON form of an import body, checked by hand: the route also takes CSV/TSV text. */
function importJson(body: unknown): ImportJson | undefined {
  if (typeof body !== 'object' || body === null || Buffer.isBuffer(body)) return undefined;
  const { content, format, sendMail, mailLocale, ...rest } = body as Record<string, unknown>;
  const problems: FieldProblem[] = Object.keys(rest).map((field) => ({
    field,
    message: 'is not allowed',
  }));
  if (typeof content !== 'string') problems.push({ field: 'content', message: 'must be text' });
  if (format !== undefined && format !== 'csv' && format !== 'tsv')
    problems.push({ field: 'format', message: 'must be csv or tsv' });
  if (sendMail !== undefined && typeof sendMail !== 'boolean')
    problems.push({ field: 'sendMail', message: 'must be true or false' });
  if (mailLocale !== undefined && mailLocale !== 'ja' && mailLocale !== 'en')
    problems.push({ field: 'mailLocale', message: 'must be ja or en' });
  if (problems.length || typeof content !== 'string') throw new ValidationError(problems);
  return {
    content,
    ...((format === 'csv' || format === 'tsv') && { format }),
    ...(typeof sendMail === 'boolean' && { sendMail }),
    ...((mailLocale === 'ja' || mailLocale === 'en') && { mailLocale }),
  };
}

/** The user a request names by userId or loginId (exactly one of them). */
async function resolveUser(
  platform: Platform,
  tenant: Tenant,
  body: { userId?: string | undefined; loginId?: string | undefined },
): Promise<User> {
  if ((body.userId === undefined) === (body.loginId === undefined)) {
    throw new ValidationError([
      { field: 'userId', message: 'give exactly one of userId, loginId' },
    ]);
  }
  const user =
    body.userId !== undefined
      ? await platform.users.get(tenant.id, body.userId)
      : await platform.users.getByLoginId(tenant.id, body.loginId ?? '');
  if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  return user;
}

/** The language of a certificate's installation mail: asked, else the user's, else the tenant's. */
const mailLocaleOf = (
  asked: LocaleCode | undefined,
  user: User | undefined,
  tenant: Tenant,
): LocaleCode => asked ?? user?.locale ?? tenant.defaultLocale;

async function mustGet(certs: Certs, tenantId: string, id: string): Promise<DeviceCertificate> {
  const cert = await certs.get(tenantId, id);
  if (!cert) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  return cert;
}

export function downloadUrl(platform: Platform, tenant: Tenant, token: string): string {
  const base = platform.config.publicUrl.replace(/\/+$/, '');
  return `${base}/t/${tenant.slug}/device-certificates/download?token=${encodeURIComponent(token)}`;
}

export const deviceCertAdminRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  deviceCerts: DeviceCertService;
}> = async (app, { platform, deviceCerts: certs }) => {
  const audit = (
    request: FastifyRequest,
    action: string,
    id: string,
    details: Record<string, unknown> = {},
  ) => auditAdminAction(platform, request, action, { type: 'device-certificate', id }, details);

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
    `${BASE}/:id/revoke`,
    {
      config: write,
      preValidation: emptyBodyAsObject,
      schema: {
        tags,
        summary: 'Revoke a device certificate (the CRL is reissued at once)',
        params: TenantIdParams,
        body: RevokeBody,
        response: { 200: DeviceCertificateSchema, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const reason = request.body.reason ?? 'unspecified';
      const cert = await certs.revoke(tenant.id, request.params.id, reason);
      await audit(request, 'device-cert.revoke', cert.id, { reason, serial: cert.serial });
      return cert;
    },
  );

  app.post(
    `${BASE}/users/:id/revoke-all`,
    {
      config: write,
      preValidation: emptyBodyAsObject,
      schema: {
        tags,
        summary: 'Revoke every device certificate of a user',
        params: TenantIdParams,
        body: RevokeBody,
        response: { 200: Type.Object({ revoked: Type.Integer() }), ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const userId = (await resolveUser(platform, tenant, { userId: request.params.id })).id;
      const reason = request.body.reason ?? 'unspecified';
      const revoked = await certs.revokeAllOfUser(tenant.id, userId, reason);
      await auditAdminAction(
        platform,
        request,
        'device-cert.revoke-user',
        { type: 'user', id: userId },
        { reason, revoked },
      );
      return { revoked };
    },
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

  app.get(
    `${BASE}/settings`,
    {
      config: read,
      schema: {
        tags,
        summary: "The tenant's device-certificate settings",
        params: TenantParams,
        response: { 200: Settings, ...problems },
      },
    },
    async (request) => certs.settings(routeTenant(request).id),
  );

  app.put(
    `${BASE}/settings`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change device-certificate settings (only the given fields)',
        params: TenantParams,
        body: SettingsPatch,
        response: { 200: Settings, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const settings = await certs.updateSettings(tenant.id, request.body);
      await auditAdminAction(
        platform,
        request,
        'device-cert.settings-update',
        { type: 'tenant', id: tenant.id },
        { ...request.body },
      );
      return settings;
    },
  );

  app.post(
    `${BASE}/:id/renew`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Renew an expiring certificate (same user, device and login type, new key)',
        description: 'The old certificate becomes `renewed` and works until its own end.',
        params: TenantIdParams,
        response: { 201: DeviceCertificateSchema, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const renewed = await certs.renew(tenant.id, request.params.id);
      await audit(request, 'device-cert.renew', renewed.id, {
        renews: request.params.id,
        serial: renewed.serial,
      });
      return reply.code(201).send(renewed);
    },
  );

  app.post(
    `${BASE}/:id/replace`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Mark a certificate as being replaced (device swap)',
        description:
          'It stops counting against the contract at once and stops working 90 days later.',
        params: TenantIdParams,
        response: { 200: DeviceCertificateSchema, ...problems },
      },
    },
    async (request) => {
      const cert = await certs.markReplacing(routeTenant(request).id, request.params.id);
      await audit(request, 'device-cert.replace', cert.id, { serial: cert.serial });
      return cert;
    },
  );

  app.post(
    `${BASE}/:id/resume`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Resume a suspended certificate (a suspected copy that was checked)',
        description:
          'It works again and leaves the CRL (certificateHold is removed). Back in use it counts ' +
          'against the contract again: 409 ERR_DEVICE_CERT_LIMIT when there is no room.',
        params: TenantIdParams,
        response: { 200: DeviceCertificateSchema, ...problems },
      },
    },
    async (request) => {
      const cert = await certs.resume(routeTenant(request).id, request.params.id);
      await audit(request, 'device-cert.resume', cert.id, { serial: cert.serial });
      return cert;
    },
  );

  app.get(
    `${BASE}/trust-anchors`,
    {
      config: read,
      schema: {
        tags,
        summary: 'External CAs whose device certificates are accepted for sign-in',
        params: TenantParams,
        response: { 200: Type.Object({ anchors: Type.Array(TrustAnchor) }), ...problems },
      },
    },
    async (request) => ({ anchors: await certs.listTrustAnchors(routeTenant(request).id) }),
  );

  app.post(
    `${BASE}/trust-anchors`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a trust anchor (a CA certificate valid now)',
        params: TenantParams,
        body: TrustAnchorBody,
        response: { 201: TrustAnchor, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const { body } = request;
      const anchor = await certs.addTrustAnchor(tenant.id, {
        name: body.name,
        pem: body.pem,
        ...(body.loginType !== undefined && { loginType: body.loginType }),
        ...(body.userMatch !== undefined && { userMatch: body.userMatch }),
      });
      await auditAdminAction(
        platform,
        request,
        'device-cert.anchor-add',
        { type: 'device-cert-anchor', id: anchor.id },
        { name: anchor.name, subject: anchor.subject, fingerprint: anchor.fingerprintSha256 },
      );
      return reply.code(201).send(anchor);
    },
  );

  app.delete(
    `${BASE}/trust-anchors/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Remove a trust anchor: certificates under it stop working at once',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      await certs.removeTrustAnchor(routeTenant(request).id, request.params.id);
      await auditAdminAction(platform, request, 'device-cert.anchor-remove', {
        type: 'device-cert-anchor',
        id: request.params.id,
      });
      return reply.code(204).send(null);
    },
  );

  // TSV arrives as bytes so that a file which is not UTF-8 is refused, never decoded lossily.
  app.addContentTypeParser(
    'text/tab-separated-values',
    { parseAs: 'buffer' },
    (_request, body, done) => done(null, body),
  );

  app.post(
    `${BASE}/import`,
    {
      config: write,
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Issue in bulk from a UTF-8 CSV or TSV file',
        description:
          'Body: text/csv, text/tab-separated-values, or JSON {content, format}. Columns: login_id, os, device_id_type, device_id, login_type, and optionally description, mail_locale. Good rows are issued, each bad row is reported; rejectedCsv holds the bad rows with an error column to fix and upload again. A file that cannot be read (header, encoding) is refused whole with 400.',
        params: TenantParams,
        querystring: ImportQuery,
        consumes: ['text/csv', 'text/tab-separated-values', 'application/json'],
        response: { 200: ImportResult, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const { query } = request;
      const body = importJson(request.body);
      const raw = request.body;
      const content: string | Uint8Array = body
        ? body.content
        : typeof raw === 'string' || Buffer.isBuffer(raw)
          ? raw
          : '';
      const tsv = request.headers['content-type']?.startsWith('text/tab-separated-values');
      const format = body?.format ?? query.format ?? (tsv ? 'tsv' : undefined);
      const parsed = certs.parseIssueFile(content, format ? { format } : {});
      const sendMail = body?.sendMail ?? query.sendMail ?? false;
      const locale = body?.mailLocale ?? query.mailLocale;
      const result = await certs.issueBulk(tenant.id, parsed, {
        sendMail,
        ...(locale && { locale }),
      });
      await platform.audit.record({
        tenantId: tenant.id,
        actor: auditActor(request),
        action: 'device-cert.import',
        result: result.rejected.length ? 'failure' : 'success',
        reason: result.rejected.length ? 'some-rows-rejected' : undefined,
        origin: auditOrigin(request),
        details: {
          issued: result.issued.length,
          rejected: result.rejected.length,
          certificateIds: result.issued.map((c) => c.id),
          rejectedLines: result.rejected.map((r) => r.line),
        },
      });
      return {
        issued: result.issued,
        rejected: result.rejected,
        rejectedCsv: result.rejected.length ? result.rejectedCsv : null,
      };
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
