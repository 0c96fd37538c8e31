/**
 * A tenant's device-certificate settings (validity, copy suspension, download limits) and its
 * trust anchors (external CAs whose certificates sign users in). Changes are audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { Platform } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';
import { TenantIdParams, TenantParams, problems } from './schemas.ts';
import { auditAdminAction, routeTenant } from './principal.ts';
import {
  read,
  write,
  tags,
  BASE,
  Settings,
  SettingsPatch,
  TrustAnchor,
  TrustAnchorBody,
} from './device-cert-schemas.ts';

export const deviceCertSettingsRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  deviceCerts: DeviceCertService;
}> = async (app, { platform, deviceCerts: certs }) => {
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
        ...(body.crlUrl !== undefined && { crlUrl: body.crlUrl }),
      });
      await auditAdminAction(
        platform,
        request,
        'device-cert.anchor-add',
        { type: 'device-cert-anchor', id: anchor.id },
        {
          name: anchor.name,
          subject: anchor.subject,
          fingerprint: anchor.fingerprintSha256,
          crlUrl: anchor.crlUrl,
        },
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
};
