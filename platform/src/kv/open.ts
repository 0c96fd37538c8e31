/** Chooses the ephemeral-store backend from configuration. */
import type { Kv } from './kv.ts';
import type { Clock } from '../clock.ts';
import { createMemoryKv } from './memory.ts';
import { createRedisKv } from './redis.ts';

export async function openKv(
  redisUrl: string | undefined,
  keyPrefix = 'sekisho:',
  clock?: Clock,
): Promise<Kv> {
  return redisUrl
    ? createRedisKv({ url: redisUrl, keyPrefix })
    : createMemoryKv(clock ? { clock } : {});
}
