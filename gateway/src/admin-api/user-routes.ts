import type { FastifyRequest } from 'fastify';
/**
 * Users of a tenant: create, read, change, suspend, delete, force a password reset, unlock,
 * end every session on every node, and bulk import from CSV with a downloadable list of the
 * rejected rows. Every change is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import {
  SekishoError,
  hashPassword,
  checkPasswordRules,
  importUsersCsv,
  rejectedRowsCsv,
  type Platform,
} from '@sekisho/platform';
import { TenantIdParams, TenantParams, User, UserCreate, UserPatch, problems } from './schemas.ts';
import { auditActor, auditOrigin, routeTenant, auditAdminAction } from './principal.ts';

const read = { access: { area: 'users' as const, write: false } };
const write = { access: { area: 'users' as const, write: true } };
const tags = ['users'];

export const userRoutes: FastifyPluginAsyncTypebox<{ platform: Platform }> = async (
  app,
  { platform },
) => {
  const audit = (
    request: FastifyRequest,
    action: string,
    userId: string,
    details: Record<string, unknown> = {},
  ) => auditAdminAction(platform, request, action, { type: 'user', id: userId }, details);
  const mustGet = async (tenantId: string, id: string) => {
    const user = await platform.users.get(tenantId, id);
    if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
    return user;
  };

  app.get(
    '/api/tenants/:tenant/users',
    {
      config: read,
      schema: {
        tags,
        summary: 'List users',
        params: TenantParams,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          status: Type.Optional(
            Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('locked')]),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: {
          200: Type.Object({ users: Type.Array(User), total: Type.Integer() }),
          ...problems,
        },
      },
    },
    async (request) => platform.users.list(routeTenant(request).id, request.query),
  );

  app.post(
    '/api/tenants/:tenant/users',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a user',
        params: TenantParams,
        body: UserCreate,
        response: { 201: User, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const { password, ...input } = request.body;
      if (password !== undefined)
        checkPasswordRules(password, input.loginId, platform.config.passwordMinLength);
      const user = await platform.users.create(
        tenant.id,
        input,
        password === undefined ? undefined : await hashPassword(password),
      );
      await audit(request, 'user.create', user.id, { loginId: user.loginId });
      return reply.code(201).send(user);
    },
  );

  app.get(
    '/api/tenants/:tenant/users/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Read a user',
        params: TenantIdParams,
        response: { 200: User, ...problems },
      },
    },
    async (request) => mustGet(routeTenant(request).id, request.params.id),
  );

  app.patch(
    '/api/tenants/:tenant/users/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a user (suspend with status)',
        params: TenantIdParams,
        body: UserPatch,
        response: { 200: User, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const user = await platform.users.update(tenant.id, request.params.id, request.body);
      if (request.body.status === 'suspended')
        await platform.revocation.revokeUser(tenant.id, user.id, platform.clock.now());
      await audit(request, 'user.update', user.id, { fields: Object.keys(request.body) });
      return user;
    },
  );

  app.delete(
    '/api/tenants/:tenant/users/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a user',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      if (!(await platform.users.delete(tenant.id, request.params.id)))
        throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
      await platform.revocation.revokeUser(tenant.id, request.params.id, platform.clock.now());
      await audit(request, 'user.delete', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/tenants/:tenant/users/:id/force-reset',
    {
      config: write,
      schema: {
        tags,
        summary: 'Require a new password at next login, end sessions and tell the user by mail',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      await platform.passwords.forceReset(
        routeTenant(request),
        request.params.id,
        auditActor(request),
        auditOrigin(request),
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/tenants/:tenant/users/:id/unlock',
    {
      config: write,
      schema: {
        tags,
        summary: 'Lift a lockout after failed logins',
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      await mustGet(tenant.id, request.params.id);
      await platform.throttle.unlock(tenant.id, request.params.id);
      await audit(request, 'user.unlock', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/tenants/:tenant/users/:id/sessions',
    {
      config: write,
      schema: {
        tags,
        summary: "End all of a user's sessions on every node",
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      await mustGet(tenant.id, request.params.id);
      await platform.revocation.revokeUser(tenant.id, request.params.id, platform.clock.now());
      await audit(request, 'user.sessions-revoke', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/tenants/:tenant/users/import',
    {
      config: write,
      bodyLimit: 5 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Import users from CSV (text/csv, UTF-8 with or without BOM)',
        params: TenantParams,
        consumes: ['text/csv'],
        response: {
          200: Type.Object({
            importId: Type.String(),
            applied: Type.Integer(),
            rejected: Type.Array(
              Type.Object({
                line: Type.Integer(),
                loginId: Type.String(),
                reasons: Type.Array(Type.String()),
              }),
            ),
            rejectedCsvUrl: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problems,
        },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const text = typeof request.body === 'string' ? request.body : '';
      const report = await importUsersCsv(platform.store.db, platform.users, tenant.id, text);
      await platform.audit.record({
        tenantId: tenant.id,
        actor: auditActor(request),
        action: 'user.import',
        result: report.rejected.length ? 'failure' : 'success',
        reason: report.rejected.length ? 'some-rows-rejected' : undefined,
        origin: auditOrigin(request),
        details: {
          applied: report.applied,
          rejected: report.rejected.length,
          importId: report.importId,
        },
      });
      return {
        importId: report.importId,
        applied: report.applied,
        rejected: report.rejected,
        rejectedCsvUrl: report.rejected.length
          ? `/api/tenants/${tenant.slug}/users/imports/${report.importId}/rejected.csv`
          : null,
      };
    },
  );

  app.get(
    '/api/tenants/:tenant/users/imports/:id/rejected.csv',
    {
      config: read,
      schema: {
        tags,
        summary: 'The rejected rows of an import, with an error column, to fix and re-upload',
        params: TenantIdParams,
      },
    },
    async (request, reply) => {
      const csv = await rejectedRowsCsv(
        platform.store.db,
        routeTenant(request).id,
        request.params.id,
      );
      if (csv === undefined) throw new SekishoError('ERR_IMPORT_NOT_FOUND', 'no such import');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejected-${request.params.id}.csv"`)
        .send(csv);
    },
  );
};
