/**
 * Fetches trust-anchor CRLs from their `crlUrl` (the CA's distribution point), so nobody has
 * to upload each one by hand before the stored one's nextUpdate. One round (the gateway runs
 * one every 15 minutes):
 * - takes the anchors with a `crlUrl` whose stored CRL is missing, has used more than half of
 *   its thisUpdate→nextUpdate span, or has no nextUpdate and is more than a day old;
 * - GETs each with platform's `guardedGet`: plain http allowed (a CRL's signature protects it,
 *   RFC 5280 §4.2.1.13), loopback and private hosts refused unless `crlFetch.allowLoopback`,
 *   no redirects, 10 MiB, 10 s;
 * - stores an answer through the same checks as an upload (`anchor-crl.ts`: issuer, signature,
 *   dates, no rollback); a CRL no newer than the stored one (the same list served again) is a
 *   success that changes nothing;
 * - records the outcome on the anchor (the listing's `crlFetch`) and audits
 *   `device-cert.anchor-crl-fetch`: each newly stored CRL, and the first failure of a streak
 *   (not every round);
 * - when a fetch fails and the stored CRL's nextUpdate is within a day, mails the tenant's
 *   admins (`anchor-crl-alert.ts`): after it, the anchor's certificates are denied.
 * A failing anchor never stops the round and nothing about a fetch throws; errors that are not
 * the fetch's (the database failing) come back in `internalErrors` for the caller to log.
 */
import {
  GuardedGetError,
  SekishoError,
  ValidationError,
  guardedGet,
  type AuditEvent,
} from '@sekisho/platform';
import { ALERT_BEFORE_MS, alertAnchorCrlFailing } from './anchor-crl-alert.ts';
import { storeAnchorCrl } from './anchor-crl.ts';
import type { DeviceCertDeps } from './deps.ts';
import type { AnchorCrlSummary } from './trust-anchors.ts';

const MAX_CRL_BYTES = 10 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
const DAY_MS = 86_400_000;
/** Anchors fetched at once: one slow server must not hold up the others. */
const PARALLEL = 4;
const ACCEPT = 'application/pkix-crl, application/x-pkcs7-crl;q=0.9, */*;q=0.5';

export interface AnchorCrlRefresh {
  /** Anchors whose CRL was due and fetched. */
  due: number;
  /** A newer CRL was stored. */
  updated: number;
  /** The answer was no newer than the stored CRL. */
  unchanged: number;
  failed: number;
  /** Errors that are not the fetch's (the database failing), for the caller's log. */
  internalErrors: unknown[];
}

interface DueAnchor {
  id: string;
  tenantId: string;
  name: string;
  url: string;
  nextUpdate: Date | null;
}

type Outcome = { ok: true; changed: boolean; crl: AnchorCrlSummary } | { ok: false; error: string };

/** Whether the stored CRL should be fetched again (see the rules above). */
export function isCrlDue(thisUpdate: Date | null, nextUpdate: Date | null, now: Date): boolean {
  if (thisUpdate === null) return true;
  const from = thisUpdate.getTime();
  if (nextUpdate === null) return now.getTime() - from > DAY_MS;
  return now.getTime() > from + (nextUpdate.getTime() - from) / 2;
}

async function fetchCrl(deps: DeviceCertDeps, url: string): Promise<Outcome | Buffer> {
  try {
    const res = await guardedGet(url, {
      allowHttp: true,
      allowLoopback: deps.crlFetch.allowLoopback,
      maxBytes: MAX_CRL_BYTES,
      timeoutMs: FETCH_TIMEOUT_MS,
      accept: ACCEPT,
    });
    if (res.status !== 200) return { ok: false, error: `the server answered HTTP ${res.status}` };
    return res.body;
  } catch (err) {
    if (err instanceof GuardedGetError) return { ok: false, error: err.message };
    throw err;
  }
}

async function store(deps: DeviceCertDeps, a: DueAnchor, body: Buffer): Promise<Outcome> {
  try {
    const { anchor, changed } = await storeAnchorCrl(deps, a.tenantId, a.id, body, {
      onlyIfNewer: true,
    });
    return { ok: true, changed, crl: anchor.crl };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return { ok: false, error: `the file served ${err.problems.map((p) => p.message).join('; ')}` };
  }
}

/**
 * Records the outcome on the anchor (unless its URL changed meanwhile); true when this failure
 * starts a streak (the previous fetch worked, or there was none): one UPDATE decides it.
 */
async function record(deps: DeviceCertDeps, a: DueAnchor, outcome: Outcome): Promise<boolean> {
  const update = deps.db
    .updateTable('device_cert_anchors')
    .set({
      crl_fetch_at: deps.platform.clock.now(),
      crl_fetch_ok: outcome.ok,
      crl_fetch_error: outcome.ok ? null : outcome.error,
    })
    .where('id', '=', a.id)
    .where('crl_url', '=', a.url);
  if (outcome.ok) {
    await update.execute();
    return false;
  }
  const started = await update.where('crl_fetch_ok', 'is distinct from', false).executeTakeFirst();
  if (Number(started.numUpdatedRows)) return true;
  await update.execute();
  return false;
}

function auditEvent(a: DueAnchor, outcome: Outcome): AuditEvent {
  const base = {
    tenantId: a.tenantId,
    actor: { type: 'system' as const },
    action: 'device-cert.anchor-crl-fetch',
    target: { type: 'device-cert-anchor', id: a.id },
  };
  if (!outcome.ok) {
    const details = { url: a.url, error: outcome.error };
    return { ...base, result: 'failure', reason: 'crl-fetch-failed', details };
  }
  const { thisUpdate, nextUpdate, crlNumber, revokedCount } = outcome.crl;
  return {
    ...base,
    result: 'success',
    details: {
      url: a.url,
      thisUpdate: thisUpdate.toISOString(),
      nextUpdate: nextUpdate?.toISOString() ?? null,
      crlNumber,
      revokedCount,
    },
  };
}

async function refreshAnchor(
  deps: DeviceCertDeps,
  a: DueAnchor,
): Promise<'updated' | 'unchanged' | 'failed' | 'gone'> {
  const fetched = await fetchCrl(deps, a.url);
  let outcome: Outcome;
  try {
    outcome = Buffer.isBuffer(fetched) ? await store(deps, a, fetched) : fetched;
  } catch (err) {
    if (err instanceof SekishoError && err.code === 'ERR_NOT_FOUND') return 'gone'; // removed meanwhile
    throw err;
  }
  const streakStarted = await record(deps, a, outcome);
  if (outcome.ok) {
    if (outcome.changed) await deps.platform.audit.record(auditEvent(a, outcome));
    return outcome.changed ? 'updated' : 'unchanged';
  }
  if (streakStarted) await deps.platform.audit.record(auditEvent(a, outcome));
  const now = deps.platform.clock.now().getTime();
  if (a.nextUpdate && a.nextUpdate.getTime() - now <= ALERT_BEFORE_MS) {
    await alertAnchorCrlFailing(deps, { ...a, nextUpdate: a.nextUpdate }, outcome.error);
  }
  return 'failed';
}

export async function refreshAnchorCrls(deps: DeviceCertDeps): Promise<AnchorCrlRefresh> {
  const now = deps.platform.clock.now();
  const rows = await deps.db
    .selectFrom('device_cert_anchors')
    .select(['id', 'tenant_id', 'name', 'crl_url', 'crl_this_update', 'crl_next_update'])
    .where('crl_url', 'is not', null)
    .execute();
  const queue: DueAnchor[] = rows.flatMap((r) =>
    r.crl_url !== null && isCrlDue(r.crl_this_update, r.crl_next_update, now)
      ? [
          {
            id: r.id,
            tenantId: r.tenant_id,
            name: r.name,
            url: r.crl_url,
            nextUpdate: r.crl_next_update,
          },
        ]
      : [],
  );
  const result: AnchorCrlRefresh = {
    due: queue.length,
    updated: 0,
    unchanged: 0,
    failed: 0,
    internalErrors: [],
  };
  const worker = async () => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      try {
        const done = await refreshAnchor(deps, a);
        if (done !== 'gone') result[done]++;
      } catch (err) {
        result.internalErrors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return result;
}
