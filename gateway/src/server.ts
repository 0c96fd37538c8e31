/**
 * Starts one Sekisho node: stores (migrated), the TLS certificate, the demo tenant on first
 * start, the HTTPS listener, and the daily audit purge. `close()` stops taking connections,
 * lets in-flight requests finish, then closes the stores.
 */
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openPlatform, type Config, type Platform } from '@sekisho/platform';
import { buildApp, type BuildAppOptions } from './app.ts';
import { ensureTlsCertificate } from './tls/self-signed.ts';
import { bootstrapDemoTenant } from './bootstrap/demo-tenant.ts';
import { scheduleAuditPurge } from './jobs/audit-purge.ts';
import { FEATURE_MIGRATIONS } from './migrations.ts';

export interface RunningServer {
  app: FastifyInstance;
  platform: Platform;
  url: string;
  demoAdmin?: { loginId: string; password: string } | undefined;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: Pick<BuildAppOptions, 'logger'> = {},
): Promise<RunningServer> {
  const platform = await openPlatform(config, { migrations: FEATURE_MIGRATIONS });
  try {
    const tls = ensureTlsCertificate(resolve(config.dataDir), new URL(config.publicUrl).hostname);
    const demoAdmin = config.demoTenant ? await bootstrapDemoTenant(platform) : undefined;
    const app = await buildApp(platform, {
      https: { key: tls.key, cert: tls.cert },
      logger: options.logger,
    });
    const stopPurge = scheduleAuditPurge(platform, app.log);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      app,
      platform,
      url: `https://${host}:${port}`,
      demoAdmin,
      async close() {
        stopPurge();
        await app.close();
        await platform.close();
      },
    };
  } catch (err) {
    await platform.close();
    throw err;
  }
}
