/**
 * Enforces the audit retention period: once at start and then daily, events older than
 * AUDIT_RETENTION_DAYS are deleted. With several nodes, a short lease in the shared store
 * lets one node run each purge.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Platform } from '@sekisho/platform';

const DAY_MS = 86_400_000;

export async function purgeAuditOnce(platform: Platform): Promise<number | undefined> {
  const won = await platform.kv.setIfAbsent('job:audit-purge', String(process.pid), {
    ttlMs: DAY_MS - 60_000,
  });
  if (!won) return undefined;
  const cutoff = new Date(
    platform.clock.now().getTime() - platform.config.auditRetentionDays * DAY_MS,
  );
  const deleted = await platform.audit.purge(cutoff);
  await platform.audit.record({
    tenantId: null,
    actor: { type: 'system' },
    action: 'audit.purge',
    result: 'success',
    details: { deleted, before: cutoff.toISOString() },
  });
  return deleted;
}

export function scheduleAuditPurge(platform: Platform, log: FastifyBaseLogger): () => void {
  const run = () =>
    purgeAuditOnce(platform).then(
      (deleted) => deleted !== undefined && log.info({ deleted }, 'audit purge done'),
      (err: unknown) => log.error({ err }, 'audit purge failed'),
    );
  void run();
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
