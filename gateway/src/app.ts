/**
 * buildApp composes every plugin into one fastify instance; it never listens (main.ts does),
 * so tests build it and use inject() or listen on port 0.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import secureSession from '@fastify/secure-session';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { deriveKey, type Platform } from '@sekisho/platform';
import { SESSION_COOKIE, createIdpServices, idpPlugin, type IdpServices } from '@sekisho/idp';
import { healthRoutes } from './health/health-routes.ts';
import { createMetricsRegistry, registerMetrics } from './metrics/metrics.ts';
import { adminApi } from './admin-api/index.ts';
import { problemHandler } from './admin-api/problem.ts';
import { createPolicyService } from './policy/policy-service.ts';
import { requestContext } from './context/request-context-plugin.ts';
import { createDeviceCertService, type DeviceCertService } from '@sekisho/device-cert';
import { deviceCertRoutes } from './device-cert-routes.ts';
import { createLockService, lockRoutes, type LockService } from '@sekisho/lock-app';

export interface BuildAppOptions {
  /** The idp services (built from the platform when not given). */
  idp?: IdpServices | undefined;
  https?: { key: string; cert: string } | undefined;
  logger?: FastifyServerOptions['logger'];
  /** The device-certificate service (built from the platform when not given). */
  deviceCerts?: DeviceCertService | undefined;
  /** The Lock service, the IdP's second factors (built from the platform when not given). */
  lock?: LockService | undefined;
}

export { SESSION_COOKIE };

export async function buildApp(
  platform: Platform,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const { config } = platform;
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    ...(options.https && { https: options.https }),
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(requestContext, {
    trustedProxies: config.trustedProxies,
    proxyHeader: config.trustedProxyHeader,
    forwardedCertHeader: config.forwardedCertHeader,
    clock: platform.clock,
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    if (options.https) reply.header('strict-transport-security', 'max-age=31536000');
  });
  app.setErrorHandler(problemHandler);
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send({
        type: 'https://sekisho.dev/problems/not-found',
        title: 'ERR_NOT_FOUND',
        status: 404,
        detail: `no route ${request.method} ${request.url.split('?')[0]}`,
        instance: request.id,
      }),
  );

  const registry = createMetricsRegistry();
  registerMetrics(app, registry);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(secureSession, {
    key: deriveKey(platform.masterKey, 'session-cookie'),
    cookieName: SESSION_COOKIE,
    expiry: config.sessionMaxHours * 3600,
    cookie: {
      path: '/',
      httpOnly: true,
      secure: config.publicUrl.startsWith('https:'),
      sameSite: 'lax',
    },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sekisho admin API',
        version: '0.1.0',
        description:
          'Tenants, users, groups, administrators, API tokens and the audit log. Authenticate with `Authorization: Bearer <token>` or an admin session (then send `x-csrf-token`). Errors are application/problem+json.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, {
    checks: { database: () => platform.store.ping(), ephemeral: () => platform.kv.ping() },
  });
  const deviceCerts = options.deviceCerts ?? createDeviceCertService({ platform });
  const lock = options.lock ?? createLockService({ platform, logger: app.log });
  const policy = createPolicyService(platform, { deviceCerts, factors: lock });
  const idp = options.idp ?? createIdpServices(platform, { policy: policy.port, factors: lock });
  await app.register(adminApi, { platform, idp, policy, deviceCerts, lock });
  await app.register(lockRoutes, { platform, lock });
  await app.register(deviceCertRoutes, { platform, deviceCerts });
  await app.register(idpPlugin, { platform, services: idp });
  return app;
}
