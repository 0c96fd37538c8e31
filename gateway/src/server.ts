/**
 * Starts one Sekisho node: stores (migrated), the TLS certificate, the demo tenant on first
 * start, the HTTPS listener (and the mutual-TLS one when MTLS_PORT is set), the daily audit
 * purge and the device-certificate jobs (mails, renewal reminders, trust-anchor CRL fetches).
 * `close()` stops taking connections, lets in-flight requests finish, then closes the stores.
 */
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openPlatform, type Clock, type Config, type Platform } from '@sekisho/platform';
import { buildApp, type BuildAppOptions } from './app.ts';
import { ensureTlsCertificate } from './tls/self-signed.ts';
import { bootstrapDemoTenant } from './bootstrap/demo-tenant.ts';
import { scheduleAuditPurge } from './jobs/audit-purge.ts';
import { scheduleDeviceCertJobs } from './jobs/device-cert-jobs.ts';
import { createDeviceCertService } from '@sekisho/device-cert';
import { FEATURE_MIGRATIONS } from './migrations.ts';
import { attachMtlsListener } from './tls/mtls-attach.ts';
import type { MtlsListener } from './tls/mtls-listener.ts';

export interface RunningServer {
  app: FastifyInstance;
  platform: Platform;
  url: string;
  demoAdmin?: { loginId: string; password: string } | undefined;
  /** The mutual-TLS listener, when MTLS_PORT is set (its `url`, `refresh()`). */
  mtls?: MtlsListener | undefined;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  options: Pick<BuildAppOptions, 'logger'> & { clock?: Clock } = {},
): Promise<RunningServer> {
  const platform = await openPlatform(config, {
    migrations: FEATURE_MIGRATIONS,
    ...(options.clock && { clock: options.clock }),
  });
  try {
    const tls = ensureTlsCertificate(resolve(config.dataDir), new URL(config.publicUrl).hostname);
    const demoAdmin = config.demoTenant ? await bootstrapDemoTenant(platform) : undefined;
    const deviceCerts = createDeviceCertService({ platform });
    const app = await buildApp(platform, {
      https: { key: tls.key, cert: tls.cert },
      logger: options.logger,
      deviceCerts,
    });
    const mtls = attachMtlsListener(app, platform, deviceCerts, tls);
    const stopPurge = scheduleAuditPurge(platform, app.log);
    const stopDeviceCertJobs = scheduleDeviceCertJobs(platform, deviceCerts, app.log);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    await mtls?.listen(config.mtlsPort ?? 0, config.host).catch(async (err: unknown) => {
      await app.close(); // the main port is already open: close it before reporting
      throw err;
    });
    return {
      app,
      platform,
      url: `https://${host}:${port}`,
      demoAdmin,
      mtls,
      async close() {
        stopPurge();
        stopDeviceCertJobs();
        await app.close();
        await platform.close();
      },
    };
  } catch (err) {
    await platform.close();
    throw err;
  }
}
