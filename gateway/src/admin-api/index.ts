/** The admin REST API under `/api`, with its access control and problem+json errors. */
import type { FastifyPluginAsync } from 'fastify';
import type { Platform } from '@sekisho/platform';
import { applicationAdminRoutes, type IdpServices } from '@sekisho/idp';
import { auditActor, auditOrigin, routeTenant } from './principal.ts';
import { policyRoutes } from './policy-routes.ts';
import type { PolicyService } from '../policy/policy-service.ts';
import { installAccessControl } from './principal.ts';
import { problemHandler } from './problem.ts';
import { tenantRoutes } from './tenant-routes.ts';
import { userRoutes } from './user-routes.ts';
import { groupRoutes } from './group-routes.ts';
import { adminRoutes } from './admin-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { deviceCertAdminRoutes } from './device-cert-routes.ts';
import type { DeviceCertService } from '@sekisho/device-cert';
import type { LockService } from '@sekisho/lock-app';
import { lockAdminRoutes } from './lock-routes.ts';

export const adminApi: FastifyPluginAsync<{
  platform: Platform;
  idp: IdpServices;
  policy: PolicyService;
  deviceCerts: DeviceCertService;
  lock: LockService;
}> = async (app, options) => {
  app.setErrorHandler(problemHandler);
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  installAccessControl(app, options.platform);
  for (const routes of [tenantRoutes, userRoutes, groupRoutes, adminRoutes, auditRoutes]) {
    await app.register(routes, options);
  }
  await app.register(policyRoutes, { platform: options.platform, policy: options.policy });
  await app.register(lockAdminRoutes, { platform: options.platform, lock: options.lock });
  await app.register(deviceCertAdminRoutes, {
    platform: options.platform,
    deviceCerts: options.deviceCerts,
  });
  await app.register(applicationAdminRoutes, {
    services: options.idp,
    tenantOf: routeTenant,
    audit: (request, action, target, details = {}) =>
      options.platform.audit.record({
        tenantId: routeTenant(request).id,
        actor: auditActor(request),
        action,
        target,
        result: 'success',
        origin: auditOrigin(request),
        details,
      }),
  });
};
