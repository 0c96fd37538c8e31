/**
 * Reads a WS-Federation passive requestor message from the query string
 * (WS-Federation 1.2 section 13.2: wa, wtrealm, wreply, wctx), refusing before anything else
 * happens: a missing or unsupported `wa`, a repeated parameter, or one longer than its limit.
 * `wctx` is opaque: it goes back to the relying party byte for byte.
 *
 * Sign-in returns here after the login page; when the original query is too long to ride in
 * the login page's return path, it is parked in the shared store (30 minutes) under a random
 * handle and the return path carries `wresume=<handle>` instead. The parked query is parsed
 * and checked again like a fresh one, so the handle grants nothing by itself.
 */
import { randomBytes } from 'node:crypto';
import type { Kv } from '@sekisho/platform';
import { MAX_REALM_LENGTH, MAX_URL_LENGTH } from './rp-config.ts';

export type WsFedAction = 'wsignin1.0' | 'wsignout1.0' | 'wsignoutcleanup1.0';

export interface WsFedMessage {
  wa: WsFedAction;
  wtrealm: string | undefined;
  wreply: string | undefined;
  wctx: string | undefined;
}

export type WsFedRefusal =
  | 'wa-missing'
  | 'wa-unsupported'
  | 'parameter-repeated'
  | 'parameter-too-long'
  | 'realm-missing'
  | 'realm-unknown'
  | 'reply-unregistered'
  | 'resume-expired';

export type ParsedMessage =
  { ok: true; message: WsFedMessage } | { ok: false; reason: WsFedRefusal };

const LIMITS = { wa: 32, wtrealm: MAX_REALM_LENGTH, wreply: MAX_URL_LENGTH, wctx: 8192 } as const;
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
  return {
    ok: true,
    message: {
      wa: values.wa as WsFedAction,
      wtrealm: values.wtrealm,
      wreply: values.wreply,
      wctx: values.wctx,
    },
  };
}

const resumeKey = (tenantId: string, handle: string) => `wsfed:resume:${tenantId}:${handle}`;

/** The path the login page returns to: the request itself, or a parked copy of it. */
export async function returnPathFor(
  kv: Kv,
  tenant: { id: string; slug: string },
  rawQuery: string,
): Promise<string> {
  const direct = `/t/${tenant.slug}/wsfed?${rawQuery}`;
  if (direct.length <= MAX_RETURN_PATH) return direct;
  const handle = randomBytes(18).toString('base64url');
  await kv.set(resumeKey(tenant.id, handle), rawQuery, { ttlMs: RESUME_TTL_MS });
  return `/t/${tenant.slug}/wsfed?wresume=${handle}`;
}

/**
 * The query to work on: the request's own, or the parked one named by `wresume`.
 * Returns the raw query string too, for the return path.
 */
export async function resolveQuery(
  kv: Kv,
  tenantId: string,
  query: Record<string, unknown>,
  rawQuery: string,
): Promise<{ query: Record<string, unknown>; rawQuery: string } | undefined> {
  const handle = query.wresume;
  if (handle === undefined) return { query, rawQuery };
  if (typeof handle !== 'string' || !/^[A-Za-z0-9_-]{24}$/.test(handle)) return undefined;
  const parked = await kv.get(resumeKey(tenantId, handle));
  if (parked === undefined) return undefined;
  const params = new URLSearchParams(parked);
  const parsed: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    parsed[key] = all.length === 1 ? all[0] : all;
  }
  return { query: parsed, rawQuery: parked };
}
