/**
 * Changing a device certificate's state (issue #5): revoke one or all of a user's (the CRL is
 * reissued at once), renew, mark as being replaced (device swap), resume a suspended one.
 * Every change is audited.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@fastify/type-provider-typebox';
import type { Platform } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';
import { TenantIdParams, problems } from './schemas.ts';
import { auditAdminAction, routeTenant } from './principal.ts';
import { write, tags, BASE, DeviceCertificateSchema, RevokeBody } from './device-cert-schemas.ts';
import { emptyBodyAsObject, resolveUser, certAudit } from './device-cert-route-helpers.ts';

export const deviceCertLifecycleRoutes: FastifyPluginAsyncTypebox<{
  platform: Platform;
  deviceCerts: DeviceCertService;
}> = async (app, { platform, deviceCerts: certs }) => {
  const audit = certAudit(platform);

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
};
