/** JSON schemas of the admin API: one source for validation, handler types and OpenAPI. */
import { Type } from '@fastify/type-provider-typebox';

/** Serialized as an RFC 3339 string; handlers may return Date objects. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

export const TenantParams = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 64 }) });
export const TenantIdParams = Type.Object({
  tenant: Type.String({ maxLength: 64 }),
  id: Type.String({ format: 'uuid' }),
});

export const Tenant = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  status: Type.String(),
  maxUsers: Type.Integer(),
  maxDeviceCerts: Type.Integer(),
  verifiedDomains: Type.Array(Type.String()),
  timeZone: Type.String(),
  defaultLocale: Type.String(),
  createdAt: DateTime,
});

export const TenantCreate = Type.Object(
  {
    slug: Type.String({ maxLength: 40 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    maxUsers: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    maxDeviceCerts: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    verifiedDomains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 })),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    defaultLocale: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);

export const TenantPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('ended')]),
    ),
    maxUsers: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    maxDeviceCerts: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    verifiedDomains: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 })),
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    defaultLocale: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);

const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en')]);
const Attributes = Type.Record(Type.String(), Type.String({ maxLength: 1024 }));

export const User = Type.Object({
  id: Type.String(),
  loginId: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  status: Type.String(),
  locale: Type.Union([Locale, Type.Null()]),
  attributes: Attributes,
  groups: Type.Array(Type.String()),
  mustChangePassword: Type.Boolean(),
  hasPassword: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const UserCreate = Type.Object(
  {
    loginId: Type.String({ maxLength: 254 }),
    displayName: Type.String({ maxLength: 200 }),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    locale: Type.Optional(Type.Union([Locale, Type.Null()])),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
    attributes: Type.Optional(Attributes),
    groups: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
    password: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const UserPatch = Type.Object(
  {
    loginId: Type.Optional(Type.String({ maxLength: 254 })),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    locale: Type.Optional(Type.Union([Locale, Type.Null()])),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
    attributes: Type.Optional(Attributes),
    groups: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
  },
  { additionalProperties: false },
);

export const Group = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  memberCount: Type.Integer(),
});

export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.String(),
  problems: Type.Optional(
    Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
  ),
});

export const problems = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };
