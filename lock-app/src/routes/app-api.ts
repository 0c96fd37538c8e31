/**
 * The Lock app's JSON API under `/t/:tenant/lock/api` (docs/lock.md, "App API"). Thin: schema,
 * service call, reply. The device proves itself by signing; no cookie is involved, so there is
 * no CSRF surface. Errors are problem+json from the gateway's handler, with stable codes.
 *
 * Rate limit: 120 requests per minute per client IP and tenant, counted in the shared store
 * before the body is parsed; beyond it ERR_LOCK_RATE_LIMITED.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SekishoError, type Platform } from '@sekisho/platform';
import type { LockService } from '../lock-service.ts';
import { kvKeys } from '../service/deps.ts';
import { lockTenant } from './tenant.ts';

const API_LIMIT = { max: 120, windowMs: 60_000 };

const b64url = { type: 'string', pattern: '^[A-Za-z0-9_-]+$', maxLength: 200 } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const params = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: { type: 'string', maxLength: 64 } },
} as const;
const object = (required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

interface EnrollBody {
  token: string;
  deviceName: string;
  publicKey: Record<string, unknown>;
  subscription: Record<string, unknown> | null;
  replace?: boolean;
}
interface PendingBody {
  deviceId: string;
  ts: number;
  signature: string;
}
interface AnswerBody {
  deviceId: string;
  approvalId: string;
  decision: 'approve' | 'deny';
  number: string;
  signature: string;
}
interface ReportBody {
  deviceId: string;
  approvalId: string;
  signature: string;
}

export const lockAppApi: FastifyPluginAsync<{ platform: Platform; lock: LockService }> = async (
  app,
  { platform, lock },
) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const slug = (request.params as { tenant?: string }).tenant ?? '';
    const n = await platform.kv.increment(kvKeys.apiRate(slug, request.ip), {
      ttlMs: API_LIMIT.windowMs,
    });
    if (n > API_LIMIT.max)
      throw new SekishoError('ERR_LOCK_RATE_LIMITED', 'too many requests from this address');
  });

  app.get('/t/:tenant/lock/api/config', { schema: { params } }, async (request) =>
    lock.appConfig(await lockTenant(platform, request.params)),
  );

  app.post<{ Body: EnrollBody }>(
    '/t/:tenant/lock/api/enroll',
    {
      schema: {
        params,
        body: object(['token', 'deviceName', 'publicKey', 'subscription'], {
          token: { type: 'string', maxLength: 200 },
          deviceName: { type: 'string', maxLength: 200 },
          publicKey: { type: 'object' },
          subscription: { type: ['object', 'null'] },
          replace: { type: 'boolean' },
        }),
      },
    },
    async (request, reply) => {
      const tenant = await lockTenant(platform, request.params);
      return reply.code(201).send(await lock.enroll(tenant, request.body));
    },
  );

  app.post<{ Body: PendingBody }>(
    '/t/:tenant/lock/api/pending',
    {
      schema: {
        params,
        body: object(['deviceId', 'ts', 'signature'], {
          deviceId: uuid,
          ts: { type: 'integer' },
          signature: b64url,
        }),
      },
    },
    async (request) => {
      const approvals = await lock.pending(
        await lockTenant(platform, request.params),
        request.body,
      );
      return { approvals };
    },
  );

  app.post<{ Body: AnswerBody }>(
    '/t/:tenant/lock/api/answer',
    {
      schema: {
        params,
        body: object(['deviceId', 'approvalId', 'decision', 'number', 'signature'], {
          deviceId: uuid,
          approvalId: uuid,
          decision: { type: 'string', enum: ['approve', 'deny'] },
          number: { type: 'string', pattern: '^[0-9]{0,2}$' },
          signature: b64url,
        }),
      },
    },
    async (request) => lock.answer(await lockTenant(platform, request.params), request.body),
  );

  app.post<{ Body: ReportBody }>(
    '/t/:tenant/lock/api/report',
    {
      schema: {
        params,
        body: object(['deviceId', 'approvalId', 'signature'], {
          deviceId: uuid,
          approvalId: uuid,
          signature: b64url,
        }),
      },
    },
    async (request) => lock.report(await lockTenant(platform, request.params), request.body),
  );
};
