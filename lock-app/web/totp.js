/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), computed offline with
 * WebCrypto HMAC. Accounts come from `otpauth://totp/...` URIs (Key URI Format): the secret
 * is imported as a non-extractable HMAC key, so it is never kept or shown in clear.
 */
const HASHES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' };
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Decode(text) {
  const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index === -1) throw new Error(`invalid base32 character ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/**
 * Parses an otpauth URI into `{ label, issuer, secret, algorithm, digits, period }`; throws on
 * anything but a valid TOTP URI (HOTP counters cannot be kept in step offline).
 */
export function parseOtpauth(uri) {
  const url = new URL(uri);
  if (url.protocol !== 'otpauth:' || url.host !== 'totp') throw new Error('not a totp uri');
  const label = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const params = url.searchParams;
  const secret = params.get('secret') ?? '';
  const algorithm = (params.get('algorithm') ?? 'SHA1').toUpperCase();
  const digits = Number(params.get('digits') ?? 6);
  const period = Number(params.get('period') ?? 30);
  if (!HASHES[algorithm]) throw new Error(`unsupported algorithm ${algorithm}`);
  if (![6, 7, 8].includes(digits)) throw new Error(`unsupported digits ${digits}`);
  if (!Number.isInteger(period) || period < 1 || period > 300) throw new Error('bad period');
  if (base32Decode(secret).length < 10) throw new Error('secret too short');
  const issuer = params.get('issuer') ?? (label.includes(':') ? label.split(':')[0] : '');
  return { label, issuer, secret, algorithm, digits, period };
}

export function importTotpKey(secret, algorithm) {
  return crypto.subtle.importKey(
    'raw',
    base32Decode(secret),
    { name: 'HMAC', hash: HASHES[algorithm] },
    false,
    ['sign'],
  );
}

/** The code for the time step containing `nowMs` (RFC 4226 section 5.3 truncation). */
export async function totpCode(key, { digits, period }, nowMs = Date.now()) {
  const counter = Math.floor(nowMs / 1000 / period);
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message.buffer));
  const offset = mac[mac.length - 1] & 0x0f;
  const binary =
    ((mac[offset] & 0x7f) << 24) |
    (mac[offset + 1] << 16) |
    (mac[offset + 2] << 8) |
    mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** Seconds until the current code changes. */
export function secondsLeft(period, nowMs = Date.now()) {
  return period - (Math.floor(nowMs / 1000) % period);
}
