/**
 * The TLS certificate for the HTTPS listener: on first start a self-signed one is created in
 * `<dataDir>/tls` (RSA-2048, SHA-256, SAN localhost/127.0.0.1/::1 plus the public host),
 * valid for a year; an existing pair is reused. Operators replace the files with a real
 * certificate (or terminate TLS at a trusted proxy).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface TlsFiles {
  cert: string;
  key: string;
  certPath: string;
  created: boolean;
}

export function ensureTlsCertificate(dataDir: string, publicHost: string): TlsFiles {
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return {
      cert: readFileSync(certPath, 'utf8'),
      key: readFileSync(keyPath, 'utf8'),
      certPath,
      created: false,
    };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const attrs = [
    { name: 'commonName', value: publicHost },
    { name: 'organizationName', value: 'Sekisho (self-signed)' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  const hosts = new Set(['localhost', '127.0.0.1', '::1', publicHost]);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...hosts].map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  // Write-then-rename so a crash never leaves half a key; the key is readable by us only.
  writeFileSync(keyPath + '.tmp', keyPem, { mode: 0o600 });
  writeFileSync(certPath + '.tmp', certPem, { mode: 0o644 });
  renameSync(keyPath + '.tmp', keyPath);
  renameSync(certPath + '.tmp', certPath);
  return { cert: certPem, key: keyPem, certPath, created: true };
}
