/**
 * Field parsers for SAML SP configuration. Each one reads one raw value, reports what is
 * wrong with it under its field path (all problems of a config are reported at once, as
 * STYLE §4 asks) and returns the typed value, or undefined after reporting.
 */
import { X509Certificate } from 'node:crypto';
import type { FieldProblem } from '@sekisho/platform';

export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string): undefined {
    this.list.push({ field, message });
    return undefined;
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * An endpoint the browser is sent to: https, or http only on a loopback host (local
 * development and tests); no credentials, no fragment.
 */
export function endpointUrl(raw: unknown, field: string, p: Problems): string | undefined {
  if (typeof raw !== 'string' || !raw || raw.length > 2048)
    return p.add(field, 'must be a URL of at most 2048 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return p.add(field, 'must be an absolute URL');
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure) return p.add(field, 'must use https (http only for localhost/127.0.0.1/[::1])');
  if (url.username || url.password || url.hash)
    return p.add(field, 'must not carry credentials or a fragment');
  // Stored as given: SPs compare Destination/Recipient with their own spelling, byte for byte.
  return raw;
}

export function bool(raw: unknown, field: string, fallback: boolean, p: Problems): boolean {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'boolean') p.add(field, 'must be true or false');
  return raw === true;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function text(raw: unknown, field: string, max: number, p: Problems): string | undefined {
  if (typeof raw !== 'string' || !raw.trim() || raw.length > max || CONTROL.test(raw))
    return p.add(field, `must be 1-${max} characters without control characters`);
  return raw;
}

export function oneOf<T extends string>(
  raw: unknown,
  field: string,
  allowed: readonly T[],
  fallback: T | undefined,
  p: Problems,
): T | undefined {
  if (raw === undefined && fallback !== undefined) return fallback;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  return p.add(field, `must be one of ${allowed.join(', ')}`);
}

/**
 * An X.509 certificate in PEM, or bare base64 DER as in metadata's X509Certificate; its
 * public key must be RSA (xml-crypto verifies RSA signatures; RSA-OAEP encrypts the key).
 * Returned as normalized PEM.
 */
export function certificate(raw: unknown, field: string, p: Problems): string | undefined {
  if (typeof raw !== 'string' || raw.length > 16_384)
    return p.add(field, 'must be a PEM certificate');
  const body = raw.includes('-----BEGIN')
    ? raw
    : `-----BEGIN CERTIFICATE-----\n${raw.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`;
  try {
    const cert = new X509Certificate(body);
    if (cert.publicKey.asymmetricKeyType !== 'rsa')
      return p.add(field, 'must hold an RSA public key');
    return cert.toString();
  } catch {
    return p.add(field, 'is not a readable X.509 certificate');
  }
}

export type UserField =
  'email' | 'loginId' | 'userId' | 'displayName' | 'groups' | `attr:${string}`;

const ATTR_NAME = /^attr:[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** A user field a NameID or attribute carries: a built-in one or `attr:<custom attribute>`. */
export function userField<T extends UserField>(
  raw: unknown,
  field: string,
  builtIn: readonly T[],
  p: Problems,
): T | `attr:${string}` | undefined {
  if (typeof raw === 'string' && (builtIn as readonly string[]).includes(raw)) return raw as T;
  if (typeof raw === 'string' && ATTR_NAME.test(raw)) return raw as `attr:${string}`;
  return p.add(field, `must be one of ${builtIn.join(', ')} or attr:<attribute name>`);
}

/** Refuses keys this parser does not know, so a misspelt option is not silently ignored. */
export function onlyKeys(
  raw: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
  p: Problems,
): void {
  for (const key of Object.keys(raw))
    if (!known.includes(key)) p.add(`${prefix}${key}`, 'is not a known field');
}

export function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}
