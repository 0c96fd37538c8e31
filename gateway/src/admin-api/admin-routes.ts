import type { FastifyRequest } from 'fastify';
/** Tenant administrators and scoped API tokens. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { SekishoError, type Platform } from '@sekisho/platform';
import { DateTime, TenantIdParams, TenantParams, problems } from './schemas.ts';
import { routeTenant, auditAdminAction } from './principal.ts';

const Role = Type.Union([
  Type.Literal('global_admin'),
  Type.Literal('device_cert_admin'),
  Type.Literal('transfer_admin'),
  Type.Literal('read_only_admin'),
]);
const Admin = Type.Object({
  userId: Type.String(),
  loginId: Type.String(),
  displayName: Type.String(),
  role: Role,
  createdAt: DateTime,
});
const Token = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  expiresAt: Type.Union([DateTime, Type.Null()]),
  lastUsedAt: Type.Union([DateTime, Type.Null()]),
  revokedAt: Type.Union([DateTime, Type.Null()]),
});

export const adminRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (
  app,
  { platform },
) => {
  const audit = (
    request: FastifyRequest,
    action: string,
    target: { type: string; id: string },
    details: Record<string, unknown> = {},
  ) => auditAdminAction(platform, request, action, target, details);

  app.get(
    '/api/tenants/:tenant/admins',
    {
      config: { access: { area: 'admins', write: false } },
      schema: {
        tags: ['admins'],
        summary: 'List administrators',
        params: TenantParams,
        response: { 200: Type.Array(Admin), ...problems },
      },
    },
    async (request) => platform.admins.list(routeTenant(request).id),
  );

  app.put(
    '/api/tenants/:tenant/admins/:id',
    {
      config: { access: { area: 'admins', write: true } },
      schema: {
        tags: ['admins'],
        summary: 'Make a user an administrator with a role',
        params: TenantIdParams,
        body: Type.Object({ role: Role }, { additionalProperties: false }),
        response: { 200: Admin, ...problems },
      },
    },
    async (request) => {
      const grant = await platform.admins.grant(
        routeTenant(request).id,
        request.params.id,
        request.body.role,
      );
      await audit(
        request,
        'admin.grant',
        { type: 'user', id: request.params.id },
        { role: grant.role },
      );
      return grant;
    },
  );

  app.delete(
    '/api/tenants/:tenant/admins/:id',
    {
      config: { access: { area: 'admins', write: true } },
      schema: {
        tags: ['admins'],
        summary: 'Remove an administrator role',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      if (!(await platform.admins.revoke(routeTenant(request).id, request.params.id)))
        throw new SekishoError('ERR_NOT_FOUND', 'not an administrator');
      await audit(request, 'admin.revoke', { type: 'user', id: request.params.id });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/tenants/:tenant/tokens',
    {
      config: { access: { area: 'tokens', write: false } },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens',
        params: TenantParams,
        response: { 200: Type.Array(Token), ...problems },
      },
    },
    async (request) => platform.tokens.list(routeTenant(request).id),
  );

  app.post(
    '/api/tenants/:tenant/tokens',
    {
      config: { access: { area: 'tokens', write: true } },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token with one admin role; the token is shown once',
        params: TenantParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: Role,
            expiresAt: Type.Optional(DateTime),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), record: Token }), ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const result = await platform.tokens.create({
        tenantId: tenant.id,
        name: request.body.name,
        role: request.body.role,
        createdBy: request.principal?.name ?? null,
        expiresAt: request.body.expiresAt ? new Date(request.body.expiresAt) : null,
      });
      await audit(
        request,
        'token.create',
        { type: 'token', id: result.record.id },
        { role: result.record.role, name: result.record.name },
      );
      return reply.code(201).send(result);
    },
  );

  app.delete(
    '/api/tenants/:tenant/tokens/:id',
    {
      config: { access: { area: 'tokens', write: true } },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      await platform.tokens.revoke(routeTenant(request).id, request.params.id);
      await audit(request, 'token.revoke', { type: 'token', id: request.params.id });
      return reply.code(204).send(null);
    },
  );
};
