/**
 * The Lock plugin: the app API under `/t/:tenant/lock/api` and the PWA's files under
 * `/t/:tenant/lock/`. Register it encapsulated (no `fp()`): its hooks stay inside.
 *
 * @example
 * await app.register(lockRoutes, { platform, lock: createLockService({ platform }) });
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Platform } from '@sekisho/platform';
import type { LockService } from './lock-service.ts';
import { lockAppApi } from './routes/app-api.ts';
import { lockStaticFiles } from './routes/static-files.ts';

export interface LockRoutesOptions {
  platform: Platform;
  lock: LockService;
  /** Where the PWA's files are; default lock-app/web. */
  webDir?: string | undefined;
}

export const lockRoutes: FastifyPluginAsync<LockRoutesOptions> = async (app, options) => {
  await app.register(lockAppApi, { platform: options.platform, lock: options.lock });
  await app.register(lockStaticFiles, {
    platform: options.platform,
    ...(options.webDir !== undefined && { webDir: options.webDir }),
  });
};
