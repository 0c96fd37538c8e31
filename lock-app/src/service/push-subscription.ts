/**
 * Checks a PushSubscription (PushSubscriptionJSON) before it is stored, since Sekisho will
 * POST to its endpoint and the endpoint comes from the device:
 * - https only (RFC 8030 push services are https); web-push cannot send anything else;
 * - no loopback, private, link-local or other special-use hosts (platform's `isInternalHost`,
 *   shared with the other server-side fetches), whether written as an IP address or as a name
 *   resolving to one, so an enrolled "subscription" cannot make the server reach internal
 *   hosts (SSRF). `allowInsecurePushEndpoints` lifts this for a loopback test push service.
 * - keys: `p256dh` an uncompressed P-256 point (65 bytes), `auth` 16 bytes (RFC 8291 §3).
 */
import { isIP } from 'node:net';
import { ValidationError, isInternalHost } from '@sekisho/platform';
import type { LockDeps } from './deps.ts';

export interface PushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

const invalid = (field: string, message: string) =>
  new ValidationError([{ field: `subscription.${field}`, message }]);

function b64urlBytes(value: unknown): number {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(value)) return -1;
  return Buffer.from(value, 'base64url').length;
}

export async function checkPushSubscription(
  deps: LockDeps,
  value: unknown,
): Promise<PushSubscriptionJson> {
  if (!value || typeof value !== 'object') throw invalid('endpoint', 'must be a PushSubscription');
  const s = value as Record<string, unknown>;
  let url: URL;
  try {
    url = new URL(String(s.endpoint));
  } catch {
    throw invalid('endpoint', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:') throw invalid('endpoint', 'must use https');
  if (url.username || url.password) throw invalid('endpoint', 'must not carry credentials');
  if (!deps.allowInsecurePushEndpoints) await refuseInternal(deps, url.hostname);
  const keys = (s.keys ?? {}) as Record<string, unknown>;
  if (b64urlBytes(keys.p256dh) !== 65 || !String(keys.p256dh).startsWith('B'))
    throw invalid('keys.p256dh', 'must be an uncompressed P-256 public key (65 bytes, base64url)');
  if (b64urlBytes(keys.auth) !== 16) throw invalid('keys.auth', 'must be 16 bytes, base64url');
  return {
    endpoint: url.toString(),
    expirationTime: typeof s.expirationTime === 'number' ? s.expirationTime : null,
    keys: { p256dh: String(keys.p256dh), auth: String(keys.auth) },
  };
}

async function refuseInternal(deps: LockDeps, hostname: string): Promise<void> {
  const refuse = () => invalid('endpoint', 'must not point at a loopback or private address');
  if (isInternalHost(hostname)) throw refuse();
  if (isIP(hostname.replace(/^\[|\]$/g, ''))) return;
  const addresses = await deps.resolve(hostname).catch(() => {
    throw invalid('endpoint', 'the push service host name does not resolve');
  });
  if (addresses.length === 0 || addresses.some(isInternalHost)) throw refuse();
}
