/**
 * Reads a WS-Federation passive requestor message from the query string
 * (WS-Federation 1.2 section 13.2: wa, wtrealm, wreply, wctx, wfresh, wauth), refusing before
 * anything else happens: a missing or unsupported `wa`, a repeated parameter, one longer than
 * its limit, a `wfresh` that is not a non-negative integer, or a `wauth` we do not know
 * (fresh-sign-in.ts). `wctx` is opaque: it goes back to the relying party byte for byte.
 *
 * Sign-in returns here after the login page. The request is parked in the shared store
 * (30 minutes) under a random handle, and the return path carries `wresume=<handle>`, when
 * its query is too long to ride in the login page's return path, or when it asks for a
 * fresh sign-in (`wfresh`, `wauth`): the parked copy keeps the time the request first
 * arrived, against which the sign-in that follows is measured, so the replay does not ask
 * again. The parked query is parsed and checked again like a fresh one, so the handle grants
 * nothing by itself.
 */
import { randomBytes } from 'node:crypto';
import type { Kv } from '@sekisho/platform';
import { parseWfresh, wauthAmr } from './fresh-sign-in.ts';
import { MAX_REALM_LENGTH, MAX_URL_LENGTH } from './rp-config.ts';

export type WsFedAction = 'wsignin1.0' | 'wsignout1.0' | 'wsignoutcleanup1.0';

export interface WsFedMessage {
  wa: WsFedAction;
  wtrealm: string | undefined;
  wreply: string | undefined;
  wctx: string | undefined;
  /** Maximum age of the sign-in, in minutes (0: sign in now). */
  wfresh: number | undefined;
  /** Required authentication method, a URI fresh-sign-in.ts knows. */
  wauth: string | undefined;
}

export type WsFedRefusal =
  | 'wa-missing'
  | 'wa-unsupported'
  | 'parameter-repeated'
  | 'parameter-too-long'
  | 'realm-missing'
  | 'realm-unknown'
  | 'reply-unregistered'
  | 'resume-expired'
  | 'wfresh-invalid'
  | 'wauth-unsupported'
  | 'wauth-unsatisfied';

export type ParsedMessage =
  { ok: true; message: WsFedMessage } | { ok: false; reason: WsFedRefusal };

/** A request as sign-in works on it: its query, and when it first arrived (ms). */
export interface WsFedArrival {
  rawQuery: string;
  receivedAt: number;
}

const LIMITS = {
  wa: 32,
  wtrealm: MAX_REALM_LENGTH,
  wreply: MAX_URL_LENGTH,
  wctx: 8192,
  wfresh: 32,
  wauth: 512,
} as const;
const ACTIONS: readonly string[] = ['wsignin1.0', 'wsignout1.0', 'wsignoutcleanup1.0'];
const RESUME_TTL_MS = 30 * 60_000;
/** safeReturnPath's limit on the login page's return path. */
const MAX_RETURN_PATH = 2048;

export function parseWsFedQuery(query: Record<string, unknown>): ParsedMessage {
  const values: Partial<Record<keyof typeof LIMITS, string>> = {};
  for (const name of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const v = query[name];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string') return { ok: false, reason: 'parameter-repeated' };
    if (v.length > LIMITS[name]) return { ok: false, reason: 'parameter-too-long' };
    values[name] = v;
  }
  if (!values.wa) return { ok: false, reason: 'wa-missing' };
  if (!ACTIONS.includes(values.wa)) return { ok: false, reason: 'wa-unsupported' };
  if (values.wa === 'wsignin1.0' && !values.wtrealm) return { ok: false, reason: 'realm-missing' };
  const wfresh = values.wfresh === undefined ? undefined : parseWfresh(values.wfresh);
  if (values.wfresh !== undefined && wfresh === undefined)
    return { ok: false, reason: 'wfresh-invalid' };
  if (values.wauth !== undefined && !wauthAmr(values.wauth))
    return { ok: false, reason: 'wauth-unsupported' };
  return {
    ok: true,
    message: {
      wa: values.wa as WsFedAction,
      wtrealm: values.wtrealm,
      wreply: values.wreply,
      wctx: values.wctx,
      wfresh,
      wauth: values.wauth,
    },
  };
}

const resumeKey = (tenantId: string, handle: string) => `wsfed:resume:${tenantId}:${handle}`;

/**
 * The path the login page returns to: the request itself, or a parked copy of it (always
 * when `keepArrival`, so the replay knows when the request first arrived).
 */
export async function returnPathFor(
  kv: Kv,
  tenant: { id: string; slug: string },
  arrival: WsFedArrival,
  keepArrival: boolean,
): Promise<string> {
  const direct = `/t/${tenant.slug}/wsfed?${arrival.rawQuery}`;
  if (direct.length <= MAX_RETURN_PATH && !keepArrival) return direct;
  const handle = randomBytes(18).toString('base64url');
  await kv.set(resumeKey(tenant.id, handle), JSON.stringify(arrival), { ttlMs: RESUME_TTL_MS });
  return `/t/${tenant.slug}/wsfed?wresume=${handle}`;
}

/** A parked request; one parked before arrival times were kept holds the bare query. */
function unpark(stored: string, now: number): WsFedArrival {
  if (!stored.startsWith('{')) return { rawQuery: stored, receivedAt: now };
  const { rawQuery, receivedAt } = JSON.parse(stored) as WsFedArrival;
  return { rawQuery, receivedAt };
}

/**
 * The query to work on: the request's own (arrived `now`), or the parked one named by
 * `wresume` with its first arrival. Returns the raw query string too, for the return path.
 */
export async function resolveQuery(
  kv: Kv,
  tenantId: string,
  query: Record<string, unknown>,
  rawQuery: string,
  now: number,
): Promise<({ query: Record<string, unknown> } & WsFedArrival) | undefined> {
  const handle = query.wresume;
  if (handle === undefined) return { query, rawQuery, receivedAt: now };
  if (typeof handle !== 'string' || !/^[A-Za-z0-9_-]{24}$/.test(handle)) return undefined;
  const stored = await kv.get(resumeKey(tenantId, handle));
  if (stored === undefined) return undefined;
  const parked = unpark(stored, now);
  const params = new URLSearchParams(parked.rawQuery);
  const parsed: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    parsed[key] = all.length === 1 ? all[0] : all;
  }
  return { query: parsed, ...parked };
}
