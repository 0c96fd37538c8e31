/**
 * Packs a server-generated device key, its certificate and the tenant CA into PKCS#12.
 *
 * - `legacy`: node-forge, key bag pbeWithSHAAnd3-KeyTripleDES-CBC, SHA-1 MAC — what older
 *   keychains (macOS before 10.15, Windows 7, old Android) import.
 * - modern: AES-256-CBC with PBKDF2-HMAC-SHA256 for key and certificates, SHA-256 MAC. node-forge
 *   1.x hard-codes a SHA-1 MAC and leaves certificate bags unencrypted, so this one is made by
 *   `openssl pkcs12 -export` (RFC 9579 style), the password passed through the environment.
 * - A certificate issued from a CSR has no key here: refused, the device already holds it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { SekishoError, ValidationError } from '@sekisho/platform';
import { deviceKeyContext, type DeviceCertDeps } from './deps.ts';
import { withOpenssl } from './openssl.ts';
import { loadCa } from './tenant-ca.ts';

export interface Pkcs12Options {
  password: string;
  legacy: boolean;
}

/** PBKDF2 / MAC iterations; the one-time password is random (about 80 bits), not chosen. */
const ITERATIONS = 10_000;

export async function pkcs12(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  options: Pkcs12Options,
): Promise<Buffer> {
  if (typeof options.password !== 'string' || options.password.length < 8) {
    throw new ValidationError([{ field: 'password', message: 'must be at least 8 characters' }]);
  }
  const row = await deps.db
    .selectFrom('device_certificates')
    .select(['certificate_pem', 'private_key_sealed', 'serial'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', certId)
    .executeTakeFirst();
  if (!row) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  if (!row.private_key_sealed) {
    throw new SekishoError('ERR_CONFLICT', 'issued from a CSR: the device holds the key');
  }
  const ca = await loadCa(deps, tenantId);
  if (!ca) throw new SekishoError('ERR_INTERNAL', 'tenant CA missing');
  const keyPem = deps.platform.secretBox
    .open(row.private_key_sealed, deviceKeyContext(tenantId, certId))
    .toString();
  const name = `Sekisho device ${row.serial}`;
  if (options.legacy)
    return legacyPkcs12(keyPem, row.certificate_pem, ca.certificatePem, name, options.password);
  return modernPkcs12(keyPem, row.certificate_pem, ca.certificatePem, name, options.password);
}

function legacyPkcs12(
  keyPem: string,
  certPem: string,
  caPem: string,
  name: string,
  password: string,
): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keyPem),
    [forge.pki.certificateFromPem(certPem), forge.pki.certificateFromPem(caPem)],
    password,
    { algorithm: '3des', count: ITERATIONS, friendlyName: name },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function modernPkcs12(
  keyPem: string,
  certPem: string,
  caPem: string,
  name: string,
  password: string,
): Promise<Buffer> {
  return withOpenssl(
    {
      args: [
        'pkcs12',
        '-export',
        '-inkey',
        'key.pem',
        '-in',
        'cert.pem',
        '-certfile',
        'ca.pem',
        '-name',
        name,
        '-keypbe',
        'AES-256-CBC',
        '-certpbe',
        'AES-256-CBC',
        '-macalg',
        'sha256',
        '-iter',
        String(ITERATIONS),
        '-passout',
        'env:SEKISHO_P12_PASSWORD',
        '-out',
        'out.p12',
      ],
      files: { 'key.pem': keyPem, 'cert.pem': certPem, 'ca.pem': caPem },
      env: { SEKISHO_P12_PASSWORD: password },
    },
    (dir) => readFile(join(dir, 'out.p12')),
  );
}
