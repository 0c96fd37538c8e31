/**
 * Admin API for applications (OIDC clients, SAML SPs, WS-Federation RPs) and signing-key
 * rotation. Registered by the gateway inside its admin API, so access control and
 * problem+json errors apply; the gateway passes how to read the route's tenant.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { SekishoError, type Tenant } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { KeyUse } from '../keys/signing-keys.ts';
import { kindHandler, type CreateInput } from './app-kinds.ts';

export interface AppRouteOptions {
  services: IdpServices;
  tenantOf(request: FastifyRequest): Tenant;
  audit(
    request: FastifyRequest,
    action: string,
    target: { type: string; id: string },
    details?: Record<string, unknown>,
  ): Promise<unknown>;
}

const read = { access: { area: 'applications' as const, write: false } };
const write = { access: { area: 'applications' as const, write: true } };
const tags = ['applications'];
const Params = {
  type: 'object',
  properties: { tenant: { type: 'string' }, id: { type: 'string', format: 'uuid' } },
  required: ['tenant', 'id'],
} as const;
const TenantParams = {
  type: 'object',
  properties: { tenant: { type: 'string' } },
  required: ['tenant'],
} as const;

export const applicationAdminRoutes: FastifyPluginAsync<AppRouteOptions> = async (
  app,
  { services, tenantOf, audit },
) => {
  const view = async (tenant: Tenant, a: Awaited<ReturnType<typeof services.apps.get>>) => {
    if (!a) throw new SekishoError('ERR_NOT_FOUND', 'no such application');
    const handler = kindHandler(a.kind);
    const settings = handler.settings ? await handler.settings(services, tenant, a) : {};
    const config = { ...(a.config as Record<string, unknown>) };
    delete config.clientSecretSealed; // never shown, even sealed
    return {
      id: a.id,
      kind: a.kind,
      name: a.name,
      identifier: a.lookupKey,
      enabled: a.enabled,
      config,
      settings,
      createdAt: a.createdAt,
    };
  };

  app.get(
    '/api/tenants/:tenant/applications',
    { config: read, schema: { tags, summary: 'List applications', params: TenantParams } },
    async (request) => {
      const tenant = tenantOf(request);
      return Promise.all((await services.apps.list(tenant.id)).map((a) => view(tenant, a)));
    },
  );

  app.post<{ Body: CreateInput & { kind: string } }>(
    '/api/tenants/:tenant/applications',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Register an application: {kind: oidc|saml|wsfed, name, config} (SAML also from metadataXml/metadataUrl or a preset)',
        params: TenantParams,
        body: {
          type: 'object',
          required: ['kind', 'name'],
          properties: {
            kind: { type: 'string' },
            name: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request);
      const created = await kindHandler(request.body.kind).create(services, tenant, request.body);
      await audit(
        request,
        'application.create',
        { type: 'application', id: created.application.id },
        { kind: created.application.kind, name: created.application.name },
      );
      return reply.code(201).send({
        ...(await view(tenant, created.application)),
        ...(created.secrets && { secrets: created.secrets }),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/tenants/:tenant/applications/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Read an application and the settings to enter on its side',
        params: Params,
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      return view(tenant, await services.apps.get(tenant.id, request.params.id));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/tenants/:tenant/applications/:id',
    { config: write, schema: { tags, summary: 'Remove an application', params: Params } },
    async (request, reply) => {
      const tenant = tenantOf(request);
      if (!(await services.apps.delete(tenant.id, request.params.id)))
        throw new SekishoError('ERR_NOT_FOUND', 'no such application');
      await audit(request, 'application.delete', { type: 'application', id: request.params.id });
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { tenant: string; use: string } }>(
    '/api/tenants/:tenant/signing-keys/:use/rotate',
    {
      config: write,
      schema: {
        tags: ['keys'],
        summary:
          'Rotate a signing key (oidc-RS256, oidc-ES256 or saml); the previous key stays published for the overlap period',
        params: {
          type: 'object',
          properties: {
            tenant: { type: 'string' },
            use: { type: 'string', enum: ['oidc-RS256', 'oidc-ES256', 'saml'] },
          },
          required: ['tenant', 'use'],
        },
      },
    },
    async (request) => {
      const tenant = tenantOf(request);
      const key = await services.keys.rotate(tenant.id, request.params.use as KeyUse);
      await audit(
        request,
        'signing-key.rotate',
        { type: 'signing-key', id: key.kid },
        { use: key.use },
      );
      return {
        kid: key.kid,
        use: key.use,
        createdAt: key.createdAt,
        certificate: key.certificatePem ?? null,
      };
    },
  );
};
