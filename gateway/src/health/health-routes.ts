/**
 * `/healthz`: the process answers. `/readyz`: every store answers (durable and ephemeral);
 * a load balancer stops sending traffic to a node whose stores are unreachable.
 */
import type { FastifyPluginAsync } from 'fastify';

export interface HealthOptions {
  checks: Record<string, () => Promise<void>>;
}

export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { checks }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const results: Record<string, string> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error('timeout')), 2000).unref(),
            ),
          ]);
          results[name] = 'ok';
        } catch (err) {
          results[name] = `unavailable: ${(err as Error).message}`;
        }
      }),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
};
