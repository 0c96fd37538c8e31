/**
 * Value parsers for configuration entries. Each returns the typed value or a message that
 * says what was expected; none throws.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

export type Parser<T> = (raw: unknown) => Parsed<T>;

export function port(): Parser<number> {
  return (raw) => {
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    return Number.isInteger(n) && n >= 0 && n <= 65535
      ? { ok: true, value: n }
      : { ok: false, expected: 'an integer port number from 0 to 65535' };
  };
}

export function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    const text = String(raw).trim();
    const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(text) ? Number(text) : NaN;
    return Number.isInteger(n) && n >= min && n <= max
      ? { ok: true, value: n }
      : { ok: false, expected: `an integer from ${min} to ${max}` };
  };
}

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (raw) =>
    (values as readonly unknown[]).includes(raw)
      ? { ok: true, value: raw as T }
      : { ok: false, expected: `one of ${values.join(', ')}` };
}

export function url(protocols: readonly string[]): Parser<string> {
  return (raw) => {
    try {
      const u = new URL(String(raw));
      if (protocols.includes(u.protocol)) return { ok: true, value: u.toString() };
    } catch {
      // falls through to the message below
    }
    return { ok: false, expected: `a URL with scheme ${protocols.join(' or ')}` };
  };
}

/** A public base URL: https (or http for loopback), no trailing slash, no query. */
export function baseUrl(): Parser<string> {
  return (raw) => {
    try {
      const u = new URL(String(raw));
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
      if ((u.protocol === 'https:' || (u.protocol === 'http:' && loopback)) && !u.search) {
        return { ok: true, value: u.toString().replace(/\/+$/, '') };
      }
    } catch {
      // falls through
    }
    return { ok: false, expected: 'an https:// URL without query (http:// only for loopback)' };
  };
}

export function text(minLength = 1): Parser<string> {
  return (raw) =>
    typeof raw === 'string' && raw.trim().length >= minLength
      ? { ok: true, value: raw.trim() }
      : { ok: false, expected: `a string of at least ${minLength} character(s)` };
}

/** 32 bytes of key material, as base64 or hex. */
export function key32(): Parser<Buffer> {
  return (raw) => {
    const s = String(raw).trim();
    const buf = /^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64');
    return buf.length === 32 && (s.length === 64 || buf.toString('base64') === s)
      ? { ok: true, value: buf }
      : { ok: false, expected: '32 random bytes encoded as base64 (44 chars) or hex (64 chars)' };
  };
}

/** Comma-separated IPv4/IPv6 addresses or CIDR ranges. */
export function cidrList(): Parser<string[]> {
  return (raw) => {
    const items = Array.isArray(raw)
      ? raw.map(String)
      : String(raw)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
    for (const item of items) {
      if (!isCidr(item)) {
        return { ok: false, expected: `IP addresses or CIDR ranges; '${item}' is neither` };
      }
    }
    return { ok: true, value: items };
  };
}

import { isIP } from 'node:net';
function isCidr(item: string): boolean {
  const [addr, bits, ...rest] = item.split('/');
  if (!addr || rest.length) return false;
  const family = isIP(addr);
  if (!family) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

export function boolean(): Parser<boolean> {
  return (raw) => {
    if (typeof raw === 'boolean') return { ok: true, value: raw };
    const s = String(raw).trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return { ok: true, value: true };
    if (['0', 'false', 'no', 'off'].includes(s)) return { ok: true, value: false };
    return { ok: false, expected: 'true or false' };
  };
}
