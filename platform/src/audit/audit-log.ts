/**
 * The audit log: an append-only record of every admin action and every login decision —
 * who, what, when, from where, result and reason. Rows are never updated (a database
 * trigger refuses it); only the retention purge deletes rows older than the retention period.
 * Each event gets a short reference code that deny pages show, so an admin can find it.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditEventsTable, AuditRow, Database } from '../db/schema.ts';
import type { Clock } from '../clock.ts';

export interface AuditActor {
  type: AuditEventsTable['actor_type'];
  id?: string | null | undefined;
  name?: string | null | undefined;
}

/** Where a request came from; filled by the gateway's request context. */
export interface AuditOrigin {
  ip?: string | undefined;
  userAgent?: string | undefined;
  requestId?: string | undefined;
}

export interface AuditEvent {
  tenantId: string | null;
  actor: AuditActor;
  /** Dotted verb, e.g. `login.password`, `user.create`, `admin.grant`. */
  action: string;
  target?: { type: string; id: string } | undefined;
  result: AuditEventsTable['result'];
  reason?: string | undefined;
  origin?: AuditOrigin | undefined;
  details?: Record<string, unknown> | undefined;
}

export interface AuditFilter {
  userId?: string | undefined;
  /** Exact action, or a prefix ending in `.` (`login.`). */
  action?: string | undefined;
  result?: string | undefined;
  reference?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Return events with an id lower than this (paging, newest first). */
  before?: string | undefined;
  limit?: number | undefined;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<{ id: string; reference: string }>;
  search(tenantId: string | null, filter: AuditFilter): Promise<AuditRow[]>;
  purge(olderThan: Date): Promise<number>;
}

/** Eight characters from an alphabet without look-alikes, read out over the phone. */
export function newReference(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function createAuditLog(db: Kysely<Database>, clock: Clock): AuditLog {
  return {
    async record(event) {
      const reference = newReference();
      const row = await db
        .insertInto('audit_events')
        .values({
          tenant_id: event.tenantId,
          at: clock.now(),
          actor_type: event.actor.type,
          actor_id: event.actor.id ?? null,
          actor_name: event.actor.name ?? null,
          action: event.action,
          target_type: event.target?.type ?? null,
          target_id: event.target?.id ?? null,
          result: event.result,
          reason: event.reason ?? null,
          ip: event.origin?.ip ?? null,
          user_agent: event.origin?.userAgent?.slice(0, 512) ?? null,
          request_id: event.origin?.requestId ?? null,
          reference,
          details: JSON.stringify(event.details ?? {}),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: String(row.id), reference };
    },

    async search(tenantId, f) {
      let q = db.selectFrom('audit_events').selectAll();
      q =
        tenantId === null ? q.where('tenant_id', 'is', null) : q.where('tenant_id', '=', tenantId);
      if (f.userId) {
        const uid = f.userId;
        q = q.where((eb) => eb.or([eb('actor_id', '=', uid), eb('target_id', '=', uid)]));
      }
      if (f.action?.endsWith('.'))
        q = q.where('action', 'like', `${f.action.replace(/[%_]/g, '')}%`);
      else if (f.action) q = q.where('action', '=', f.action);
      if (f.result) q = q.where('result', '=', f.result as AuditEventsTable['result']);
      if (f.reference) q = q.where('reference', '=', f.reference);
      if (f.from) q = q.where('at', '>=', f.from);
      if (f.to) q = q.where('at', '<', f.to);
      if (f.before) q = q.where('id', '<', f.before);
      const limit = Math.min(Math.max(f.limit ?? 100, 1), 10_000);
      const rows = await q.orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({ ...r, id: String(r.id) }));
    },

    async purge(olderThan) {
      const res = await db
        .deleteFrom('audit_events')
        .where('at', '<', olderThan)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
