/**
 * Password hashing with Argon2id from Node's crypto (OpenSSL), stored as a PHC string.
 *
 * - Parameters follow OWASP's Password Storage Cheat Sheet minimum for Argon2id:
 *   19 MiB memory, 2 passes, parallelism 1, 16-byte salt, 32-byte tag.
 * - Verification compares in constant time and reads the parameters from the stored string,
 *   so raising them later keeps old hashes valid (`needsRehash` tells when to upgrade).
 * - `verifyAgainstDummy` spends the same work for an unknown account, so response time does
 *   not reveal which login IDs exist.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Argon2Params {
  memory: number; // KiB
  passes: number;
  parallelism: number;
}

export const ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memory: 19_456,
  passes: 2,
  parallelism: 1,
});

const TAG_LENGTH = 32;
const PHC_RE = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, params: Argon2Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      { message: password, nonce: salt, tagLength: TAG_LENGTH, ...params },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(
  password: string,
  params: Argon2Params = ARGON2_PARAMS,
): Promise<string> {
  const salt = randomBytes(16);
  const tag = await derive(password, salt, params);
  return `$argon2id$v=19$m=${params.memory},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
}

function parse(stored: string): { params: Argon2Params; salt: Buffer; tag: Buffer } | undefined {
  const m = PHC_RE.exec(stored);
  if (!m) return undefined;
  const [, mem, t, p, salt, tag] = m as unknown as [string, string, string, string, string, string];
  const params = { memory: Number(mem), passes: Number(t), parallelism: Number(p) };
  // Refuse absurd stored parameters instead of spending unbounded memory on them.
  if (params.memory > 1_048_576 || params.passes > 20 || params.parallelism > 16) return undefined;
  return { params, salt: Buffer.from(salt, 'base64'), tag: Buffer.from(tag, 'base64') };
}

/** True when `password` matches the stored hash; a malformed hash never matches. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.tag.length !== TAG_LENGTH) return false;
  const tag = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(tag, parsed.tag);
}

export function needsRehash(stored: string, params: Argon2Params = ARGON2_PARAMS): boolean {
  const parsed = parse(stored);
  return (
    !parsed ||
    parsed.params.memory < params.memory ||
    parsed.params.passes < params.passes ||
    parsed.params.parallelism !== params.parallelism
  );
}

let dummy: Promise<string> | undefined;
/** Spends one verification's work and returns false: used when no account matched. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('sekisho-dummy-password');
  await verifyPassword(await dummy, password);
  return false;
}
