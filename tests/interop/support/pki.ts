/** Keys and certificates the interop peers need, generated in setup with openssl. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDebianPackages } from '@sekisho/platform/test-support';

const run = promisify(execFile);

export interface KeyPair {
  /** PEM private key file (PKCS#8, unencrypted). */
  keyPath: string;
  /** PEM certificate file. */
  certPath: string;
  certPem: string;
  /** The certificate's DER in base64, as `<ds:X509Certificate>` wants it. */
  certBase64: string;
}

/** The base64 body of a PEM certificate (what SAML metadata carries). */
export function pemBody(pem: string): string {
  return pem
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
}

/** An RSA-2048 key and a self-signed SHA-256 certificate (`<dir>/<name>.key|.crt`), valid 2 days. */
export async function selfSignedKeyPair(dir: string, name: string, cn: string): Promise<KeyPair> {
  await ensureDebianPackages([{ command: 'openssl', pkg: 'openssl' }]);
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=${cn}`,
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  const certPem = await readFile(certPath, 'utf8');
  return { keyPath, certPath, certPem, certBase64: pemBody(certPem) };
}
