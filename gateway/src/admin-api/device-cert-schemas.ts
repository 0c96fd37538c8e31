/**
 * The JSON schemas (TypeBox) of the device-certificate admin API, shared by its route files
 * (`device-cert-routes.ts` and the files it registers), and their access settings.
 */
import { Type, type TSchema } from '@fastify/type-provider-typebox';
import { REVOCATION_REASONS } from '@sekisho/device-cert';
import { DateTime } from './schemas.ts';

export const read = { access: { area: 'device-certs' as const, write: false } };
export const write = { access: { area: 'device-certs' as const, write: true } };
export const tags = ['device-certificates'];
export const BASE = '/api/tenants/:tenant/device-certificates';

export const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en')]);
export const LoginType = Type.Union(
  [Type.Literal('personal'), Type.Literal('passwordless'), Type.Literal('shared')],
  { description: 'personal: certificate + password; passwordless: certificate only; shared' },
);

export const Device = Type.Object(
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

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

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
export const subjectFields = {
  userId: Type.Optional(Type.String({ format: 'uuid', description: 'give userId or loginId' })),
  loginId: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
  device: Device,
  loginType: LoginType,
  validityDays: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 825, description: "default: the tenant's setting" }),
  ),
};
export const IssueBody = Type.Object(
  {
    ...subjectFields,
    sendMail: Type.Optional(
      Type.Boolean({ description: 'queue the installation mail to the user (default false)' }),
    ),
    mailLocale: Type.Optional(Locale),
  },
  { additionalProperties: false },
);
export const CsrBody = Type.Object(
  {
    ...subjectFields,
    csrPem: Type.String({
      maxLength: 20_000,
      description: 'PEM PKCS#10 request; RSA (2048+ bits), EC P-256 or EC P-384 key',
    }),
  },
  { additionalProperties: false },
);

export const RevokeBody = Type.Object(
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

export const DownloadBody = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'downloads' })),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720, description: 'validity' })),
  },
  { additionalProperties: false },
);
export const CreatedDownload = Type.Object({
  token: Type.String(),
  password: Type.String({ description: 'the one-time password; shown only in this response' }),
  url: Type.String({ description: 'the download page to hand to the user' }),
  expiresAt: DateTime,
  downloadsLeft: Type.Integer(),
});

export const ListQuery = Type.Object(
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

export const Settings = Type.Object({
  validityDays: Type.Integer({ description: 'validity of a new certificate' }),
  autoSuspendCopies: Type.Boolean({
    description: 'suspend a certificate seen from two places at once (suspected copy)',
  }),
  downloadLimit: Type.Integer({ description: 'downloads per link' }),
  downloadHours: Type.Integer({ description: 'hours a download link works' }),
});
export const SettingsPatch = Type.Object(
  {
    validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 825 })),
    autoSuspendCopies: Type.Optional(Type.Boolean()),
    downloadLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    downloadHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
  },
  { additionalProperties: false },
);

export const AnchorUserMatch = Type.Union([Type.Literal('email'), Type.Literal('login_id')], {
  description: 'how a certificate under the anchor names its user (default email)',
});
export const AnchorCrl = Type.Object({
  thisUpdate: DateTime,
  nextUpdate: Type.Union([DateTime, Type.Null()], {
    description: 'after it, certificates under the anchor are denied until a newer CRL comes',
  }),
  crlNumber: Type.Union([Type.String({ description: 'decimal' }), Type.Null()]),
  revokedCount: Type.Integer(),
});
export const AnchorCrlFetch = Type.Object({
  at: DateTime,
  ok: Type.Boolean(),
  error: Type.Union([Type.String(), Type.Null()], { description: 'why it failed' }),
});
const CrlUrl = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'http or https URL the CRL is fetched from (its distribution point)',
});

export const TrustAnchor = Type.Object({
  id: Type.String(),
  name: Type.String(),
  subject: Type.String(),
  fingerprintSha256: Type.String(),
  notAfter: DateTime,
  loginType: Type.String(),
  userMatch: Type.String(),
  certificatePem: Type.String(),
  createdAt: DateTime,
  crl: Nullable(AnchorCrl),
  crlUrl: Nullable(Type.String({ description: 'where the CRL is fetched from' })),
  crlFetch: Type.Union([AnchorCrlFetch, Type.Null()], {
    description: 'the last fetch from crlUrl; null before the first or since the URL changed',
  }),
});
export const TrustAnchorBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    pem: Type.String({ maxLength: 20_000, description: 'the CA certificate, PEM' }),
    loginType: Type.Optional(LoginType),
    userMatch: Type.Optional(AnchorUserMatch),
    crlUrl: Type.Optional(Nullable(CrlUrl)),
  },
  { additionalProperties: false },
);
export const AnchorCrlUrlBody = Type.Object(
  { url: Type.Union([CrlUrl, Type.Null()], { description: 'null: stop fetching' }) },
  { additionalProperties: false },
);
