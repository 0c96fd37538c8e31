/**
 * Tenants: the operator creates, changes and deletes them; tenant admins read their own.
 * A new tenant gets its device-certificate CA at once, so MDM tools can fetch it on day one.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import { SekishoError, type Platform } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';
import { Tenant, TenantCreate, TenantParams, TenantPatch, problems } from './schemas.ts';
import { routeTenant, auditAdminAction } from './principal.ts';

export const tenantRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  deviceCerts: DeviceCertService;
}> = async (app, { platform, deviceCerts }) => {
  const audit = (
    request: FastifyRequest,
    action: string,
    tenantId: string,
    details: Record<string, unknown> = {},
  ) => auditAdminAction(platform, request, action, { type: 'tenant', id: tenantId }, details, null);

  app.get(
    '/api/tenants',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['tenants'],
        summary: 'List tenants (operator)',
        response: { 200: Type.Array(Tenant), ...problems },
      },
    },
    async () => platform.tenants.list(),
  );

  app.post(
    '/api/tenants',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['tenants'],
        summary: 'Create a tenant (operator)',
        body: TenantCreate,
        response: { 201: Tenant, ...problems },
      },
    },
    async (request, reply) => {
      const tenant = await platform.tenants.create(request.body);
      await deviceCerts.ensureCa(tenant.id);
      await audit(request, 'tenant.create', tenant.id, { slug: tenant.slug });
      return reply.code(201).send(tenant);
    },
  );

  app.get(
    '/api/tenants/:tenant',
    {
      config: { access: { area: 'tenant', write: false } },
      schema: {
        tags: ['tenants'],
        summary: 'Read a tenant',
        params: TenantParams,
        response: { 200: Tenant, ...problems },
      },
    },
    async (request) => routeTenant(request),
  );

  app.patch(
    '/api/tenants/:tenant',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['tenants'],
        summary: 'Change a tenant (operator)',
        params: TenantParams,
        body: TenantPatch,
        response: { 200: Tenant, ...problems },
      },
    },
    async (request) => {
      const tenant = await platform.tenants.update(routeTenant(request).id, request.body);
      await audit(request, 'tenant.update', tenant.id, { fields: Object.keys(request.body) });
      return tenant;
    },
  );

  app.delete(
    '/api/tenants/:tenant',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['tenants'],
        summary: 'Delete a tenant and all its data (operator)',
        params: TenantParams,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      const tenant = routeTenant(request);
      if (!(await platform.tenants.delete(tenant.id)))
        throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
      await audit(request, 'tenant.delete', tenant.id, { slug: tenant.slug });
      return reply.code(204).send(null);
    },
  );
};
