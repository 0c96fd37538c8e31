/**
 * One-time PKCS#12 downloads.
 *
 * - Defaults (downloads, hours) are the tenant's settings (3, 72).
 * - `createDownload` returns a link token and a one-time password, both shown once; only their
 *   SHA-256 is stored (both are random, about 256 and 80 bits, so a fast hash is enough).
 * - `redeemDownload` takes both: the password protects the `.p12` and proves the downloader
 *   saw it; the file is built on each download from the sealed key, never stored.
 * - Count and expiry are checked and consumed in one conditional UPDATE, so parallel requests
 *   never download more often than allowed.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { SekishoError, hashOpaqueToken, isUuid, newOpaqueToken } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { getSettings } from './settings.ts';
import { pkcs12 } from './pkcs12.ts';

export interface DownloadOptions {
  maxDownloads?: number;
  ttlHours?: number;
}

export interface CreatedDownload {
  id: string;
  token: string;
  password: string;
  expiresAt: Date;
  downloadsLeft: number;
}

/** Only a certificate that counts (not renewed, replacing, suspended...) is handed out. */
const DOWNLOADABLE: readonly string[] = ['not_downloaded', 'downloaded', 'in_use'];

/** No look-alikes (0/O, 1/l/I): the password is typed in by hand. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export function oneTimePassword(length = 14): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

export async function createDownload(
  deps: DeviceCertDeps,
  tenantId: string,
  certId: string,
  options: DownloadOptions = {},
): Promise<CreatedDownload> {
  if (!isUuid(certId)) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  const cert = await deps.db
    .selectFrom('device_certificates')
    .select(['status', 'private_key_sealed', 'not_after'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', certId)
    .executeTakeFirst();
  if (!cert) throw new SekishoError('ERR_NOT_FOUND', 'no such device certificate');
  if (cert.not_after <= deps.platform.clock.now()) {
    throw new SekishoError('ERR_CONFLICT', 'this certificate cannot be downloaded');
  }
  if (!cert.private_key_sealed || !DOWNLOADABLE.includes(cert.status)) {
    throw new SekishoError('ERR_CONFLICT', 'this certificate cannot be downloaded');
  }
  const settings = await getSettings(deps, tenantId);
  const { token, hash } = newOpaqueToken('dcd');
  const password = oneTimePassword();
  const downloadsLeft = options.maxDownloads ?? settings.downloadLimit;
  const expiresAt = new Date(
    deps.platform.clock.now().getTime() + (options.ttlHours ?? settings.downloadHours) * 3_600_000,
  );
  const id = randomUUID();
  await deps.db
    .insertInto('device_cert_downloads')
    .values({
      id,
      tenant_id: tenantId,
      certificate_id: certId,
      token_hash: hash,
      password_hash: hashOpaqueToken(password),
      expires_at: expiresAt,
      downloads_left: downloadsLeft,
      created_at: deps.platform.clock.now(),
    })
    .execute();
  return { id, token, password, expiresAt, downloadsLeft };
}

export async function redeemDownload(
  deps: DeviceCertDeps,
  tenantId: string,
  token: string,
  password: string,
  options: { legacy: boolean },
): Promise<Buffer> {
  const row = await deps.db
    .updateTable('device_cert_downloads')
    .set((eb) => ({ downloads_left: eb('downloads_left', '-', 1) }))
    .where('tenant_id', '=', tenantId)
    .where('token_hash', '=', hashOpaqueToken(token))
    .where('password_hash', '=', hashOpaqueToken(password))
    .where('expires_at', '>', deps.platform.clock.now())
    .where('downloads_left', '>', 0)
    .returning('certificate_id')
    .executeTakeFirst();
  if (!row) throw new SekishoError('ERR_NOT_FOUND', 'download link invalid, used up or expired');
  const file = await pkcs12(deps, tenantId, row.certificate_id, {
    password,
    legacy: options.legacy,
  });
  await deps.db
    .updateTable('device_certificates')
    .set({ status: 'downloaded' })
    .where('id', '=', row.certificate_id)
    .where('status', '=', 'not_downloaded')
    .execute();
  return file;
}
