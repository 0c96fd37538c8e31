/**
 * Opaque bearer tokens (API tokens, reset links, enrolment links): 32 random bytes shown
 * once; only their SHA-256 is stored, so a database leak reveals no usable token.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newOpaqueToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
