/**
 * Secrets at rest: AES-256-GCM under keys derived (HKDF-SHA256) from the master key, one
 * derived key per purpose, so a key used for session cookies never encrypts a CA key.
 * The master key comes from SEKISHO_MASTER_KEY or is generated once into the data
 * directory with mode 0600.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SekishoError } from '../errors.ts';

export type KeyPurpose = 'session-cookie' | 'secret-box' | 'csrf' | (string & {});

export function deriveKey(masterKey: Buffer, purpose: KeyPurpose, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `sekisho:${purpose}`, length));
}

/** Reads or creates `<dataDir>/master.key`; exclusive create, so two nodes never race. */
export function loadOrCreateMasterKey(dataDir: string): { key: Buffer; created: boolean } {
  const path = join(dataDir, 'master.key');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!existsSync(path)) {
    try {
      writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      return { key: readKey(path), created: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { key: readKey(path), created: false };
}

function readKey(path: string): Buffer {
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) {
    throw new SekishoError('ERR_CONFIG_INVALID', `${path} must hold 32 bytes as base64`);
  }
  return key;
}

/** Encrypts small secrets (signing keys, CA keys) for the durable store. */
export interface SecretBox {
  seal(plaintext: Buffer | string, context: string): string;
  open(sealed: string, context: string): Buffer;
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  const key = deriveKey(masterKey, 'secret-box');
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((p) => p.toString('base64url'));
      return ['v1', ...parts].join('.');
    },
    open(sealed, context) {
      const [v, iv, tag, body] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || body === undefined) {
        throw new SekishoError('ERR_INTERNAL', 'sealed secret has an unknown format');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
      } catch (cause) {
        throw new SekishoError('ERR_INTERNAL', 'sealed secret failed authentication', { cause });
      }
    },
  };
}
