/**
 * Signatures of the Lock app (docs/lock.md, "App API"): ECDSA P-256 with SHA-256 as WebCrypto
 * produces it (IEEE P1363 `r||s`, 64 bytes), base64url, over UTF-8 lines joined by `\n`.
 * Verification is node:crypto's; a malformed key or signature is simply "not valid".
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ValidationError } from '@sekisho/platform';

export const signedString = {
  pending: (slug: string, deviceId: string, ts: number) =>
    ['sekisho-lock-pending', slug, deviceId, String(ts)].join('\n'),
  answer: (
    slug: string,
    deviceId: string,
    approvalId: string,
    decision: 'approve' | 'deny',
    number: string,
  ) => ['sekisho-lock-answer', slug, deviceId, approvalId, decision, number].join('\n'),
  report: (slug: string, deviceId: string, approvalId: string) =>
    ['sekisho-lock-report', slug, deviceId, approvalId].join('\n'),
};

const B64URL_32 = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks a device's public JWK: EC P-256 with x and y only. A key carrying `d` (private
 * material) is refused, as the app's key must be non-extractable and never leave the phone.
 */
export function parsePublicJwk(value: unknown): { jwk: JsonWebKey; key: KeyObject } {
  const bad = (message: string) => new ValidationError([{ field: 'publicKey', message }]);
  if (!value || typeof value !== 'object') throw bad('must be a JWK object');
  const j = value as Record<string, unknown>;
  if (j.kty !== 'EC' || j.crv !== 'P-256') throw bad("must be an EC key on curve 'P-256'");
  if ('d' in j) throw bad('must not contain private key material');
  if (
    typeof j.x !== 'string' ||
    typeof j.y !== 'string' ||
    !B64URL_32.test(j.x) ||
    !B64URL_32.test(j.y)
  )
    throw bad('x and y must be 32-byte base64url coordinates');
  const jwk: JsonWebKey = { kty: 'EC', crv: 'P-256', x: j.x, y: j.y };
  try {
    return { jwk, key: createPublicKey({ key: jwk, format: 'jwk' }) };
  } catch {
    throw bad('is not a point on P-256');
  }
}

export function isValidSignature(jwkJson: string, data: string, signature: string): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  try {
    const key = createPublicKey({ key: JSON.parse(jwkJson) as JsonWebKey, format: 'jwk' });
    return verify(
      'sha256',
      Buffer.from(data, 'utf8'),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}
