/**
 * Lock administration of a tenant (docs/lock.md): remove a user's Lock device, issue
 * emergency codes for a user who lost the phone (shown once), reset a user's TOTP, and read
 * or change the tenant's Lock settings. Access area `users`; every change is audited (the
 * codes themselves never are).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { SekishoError, type Platform } from '@sekisho/platform';
import type { LockService } from '@sekisho/lock-app';
import { DateTime, TenantIdParams, TenantParams, problems } from './schemas.ts';
import { auditAdminAction, routeTenant } from './principal.ts';

const read = { access: { area: 'users' as const, write: false } };
const write = { access: { area: 'users' as const, write: true } };
const tags = ['lock'];

const LockSettings = Type.Object({
  lockOnReport: Type.Boolean(),
  emailOtpAllowed: Type.Boolean(),
  approvalTtlSeconds: Type.Integer(),
  emergencyCodeHours: Type.Integer(),
});
const LockSettingsPatch = Type.Object(
  {
    lockOnReport: Type.Optional(Type.Boolean()),
    emailOtpAllowed: Type.Optional(Type.Boolean()),
    approvalTtlSeconds: Type.Optional(Type.Integer({ minimum: 15, maximum: 600 })),
    emergencyCodeHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
  },
  { additionalProperties: false },
);

export const lockAdminRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  lock: LockService;
}> = async (app, { platform, lock }) => {
  const mustGetUser = async (tenantId: string, id: string) => {
    const user = await platform.users.get(tenantId, id);
    if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
    return user;
  };

  app.delete(
    '/api/tenants/:tenant/users/:id/lock-device',
    {
      config: write,
      schema: {
        tags,
        summary: "Remove a user's Lock device",
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const user = await mustGetUser(tenant.id, request.params.id);
      if (!(await lock.removeDevice(tenant.id, user.id)))
        throw new SekishoError('ERR_NOT_FOUND', 'the user has no Lock device');
      await auditAdminAction(platform, request, 'lock.device.remove', {
        type: 'user',
        id: user.id,
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/tenants/:tenant/users/:id/emergency-codes',
    {
      config: write,
      schema: {
        tags,
        summary: 'Issue emergency codes (shown once; replaces unused ones)',
        params: TenantIdParams,
        body: Type.Optional(
          Type.Object(
            { count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          201: Type.Object({ codes: Type.Array(Type.String()), expiresAt: DateTime }),
          ...problems,
        },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const user = await mustGetUser(tenant.id, request.params.id);
      const issued = await lock.issueEmergencyCodes(tenant.id, user.id, {
        count: request.body?.count,
      });
      await auditAdminAction(
        platform,
        request,
        'lock.emergency-codes.issue',
        {
          type: 'user',
          id: user.id,
        },
        { count: issued.codes.length, expiresAt: issued.expiresAt.toISOString() },
      );
      return reply.code(201).header('cache-control', 'no-store').send(issued);
    },
  );

  app.delete(
    '/api/tenants/:tenant/users/:id/totp',
    {
      config: write,
      schema: {
        tags,
        summary: "Reset a user's TOTP (they set it up again)",
        params: TenantIdParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      const user = await mustGetUser(tenant.id, request.params.id);
      if (!(await lock.resetTotp(tenant.id, user.id)))
        throw new SekishoError('ERR_NOT_FOUND', 'the user has no TOTP');
      await auditAdminAction(platform, request, 'lock.totp.reset', { type: 'user', id: user.id });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/tenants/:tenant/lock-settings',
    {
      config: read,
      schema: {
        tags,
        summary: "Read the tenant's Lock settings",
        params: TenantParams,
        response: { 200: LockSettings, ...problems },
      },
    },
    async (request) => lock.settings(routeTenant(request).id),
  );

  app.put(
    '/api/tenants/:tenant/lock-settings',
    {
      config: write,
      schema: {
        tags,
        summary: "Change the tenant's Lock settings",
        params: TenantParams,
        body: LockSettingsPatch,
        response: { 200: LockSettings, ...problems },
      },
    },
    async (request) => {
      const tenant = routeTenant(request);
      const settings = await lock.updateSettings(tenant.id, request.body);
      await auditAdminAction(
        platform,
        request,
        'lock.settings.update',
        {
          type: 'tenant',
          id: tenant.id,
        },
        { ...request.body },
      );
      return settings;
    },
  );
};
