/**
 * TOTP (RFC 6238) through otpauth: the code of a time step, and the step a code matches.
 *
 * - Lock's own parameters are SHA-1, 6 digits, 30 s (what every authenticator app supports);
 *   the RFC's test vectors use 8 digits and SHA-256/512 too, so the parameters are explicit.
 * - `matchTotpStep` accepts `window` steps either side of the current one (clock drift and
 *   typing time) and returns the matched step, which the caller stores to refuse a replay.
 */
import { Secret, TOTP } from 'otpauth';

export interface TotpParams {
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  period: number;
}

export const LOCK_TOTP: Readonly<TotpParams> = Object.freeze({
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
});

export const TOTP_WINDOW = 1;

function totp(secret: Uint8Array, params: TotpParams): TOTP {
  return new TOTP({ secret: new Secret({ buffer: toArrayBuffer(secret) }), ...params });
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** The time step of `timestampMs` (RFC 6238 §4.2: T = floor((now - T0) / X)). */
export function totpStep(timestampMs: number, params: TotpParams = LOCK_TOTP): number {
  return Math.floor(timestampMs / 1000 / params.period);
}

export function totpCode(
  secret: Uint8Array,
  timestampMs: number,
  params: TotpParams = LOCK_TOTP,
): string {
  return totp(secret, params).generate({ timestamp: timestampMs });
}

/** The step `code` belongs to, within `window` steps of `timestampMs`; undefined if none. */
export function matchTotpStep(
  secret: Uint8Array,
  code: string,
  timestampMs: number,
  params: TotpParams = LOCK_TOTP,
  window = TOTP_WINDOW,
): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${params.digits}}$`).test(token)) return undefined;
  const delta = totp(secret, params).validate({ token, timestamp: timestampMs, window });
  return delta === null ? undefined : totpStep(timestampMs, params) + delta;
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function secretBytes(base32: string): Uint8Array {
  return Secret.fromBase32(base32).bytes;
}

/** The otpauth:// URI (Key Uri Format) an authenticator app or the Lock app scans. */
export function otpauthUri(base32: string, issuer: string, label: string): string {
  return new TOTP({ issuer, label, secret: Secret.fromBase32(base32), ...LOCK_TOTP }).toString();
}
