/**
 * Issues a device certificate for a user, within the tenant's contracted count.
 *
 * - The count never exceeds `max_device_certs`, even with two admins issuing at once: the
 *   tenant row is locked (`SELECT ... FOR UPDATE`) while valid certificates are counted and the
 *   new one inserted, so concurrent issuances run one after another (rule: `contract-usage.ts`).
 * - Validity: the request's, else the tenant's setting (365 days by default).
 * - The RSA key is generated before the transaction, so the lock is held only for a count, a
 *   signature and an insert.
 * - Only an active user of the tenant gets a certificate.
 */
import { X509Certificate, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { SekishoError } from '@sekisho/platform';
import { buildDeviceCertificate, newRsaKeyPair, serialFor } from './build-certificate.ts';
import { deviceKeyContext, type DeviceCertDeps } from './deps.ts';
import { checkIssueInput, type IssueInput } from './issue-input.ts';
import { assertRoomForOne, lockContractUsage } from './contract-usage.ts';
import { toDeviceCertificate, type DeviceCertificate } from './records.ts';
import { claimForRenewal } from './renewal-rule.ts';
import { getSettings } from './settings.ts';
import { ensureCa } from './tenant-ca.ts';

/** Clock skew tolerated for a freshly issued certificate. */
const BACKDATE_MS = 5 * 60_000;

export async function issue(
  deps: DeviceCertDeps,
  tenantId: string,
  input: IssueInput,
): Promise<DeviceCertificate> {
  checkIssueInput(input);
  const keys = await newRsaKeyPair();
  return issueForKey(deps, tenantId, input, keys.publicKeyPem, keys.privateKeyPem);
}

/** What `issueForKey` does beside issuing: renew an expiring certificate in the same step. */
export interface IssueEffects {
  /** The certificate this one renews: checked, marked `renewed` and freed from the count. */
  renews?: string;
}

/** Shared by `issue`, `issueFromCsr` (which passes no private key) and `renew`. */
export async function issueForKey(
  deps: DeviceCertDeps,
  tenantId: string,
  input: IssueInput,
  publicKeyPem: string,
  privateKeyPem: string | undefined,
  effects: IssueEffects = {},
): Promise<DeviceCertificate> {
  const { db, platform } = deps;
  const user = await platform.users.get(tenantId, input.userId);
  if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  if (user.status !== 'active') {
    throw new SekishoError('ERR_CONFLICT', 'certificates are issued to active users only');
  }
  const ca = await ensureCa(deps, tenantId);
  const validityDays = input.validityDays ?? (await getSettings(deps, tenantId)).validityDays;
  const id = randomUUID();
  const now = platform.clock.now();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(now.getTime() + validityDays * 86_400_000);
  const row = await db.transaction().execute(async (trx) => {
    const usage = await lockContractUsage(trx, tenantId, now);
    let freed = 0;
    if (effects.renews !== undefined) {
      await claimForRenewal(trx, tenantId, effects.renews, now);
      freed = 1;
    }
    assertRoomForOne(usage, freed);
    const counter = await trx
      .updateTable('device_cas')
      .set({ serial_counter: sql<string>`serial_counter + 1` })
      .where('tenant_id', '=', tenantId)
      .returning('serial_counter')
      .executeTakeFirstOrThrow();
    const serial = serialFor(Number(counter.serial_counter));
    const pem = await buildDeviceCertificate(
      {
        publicKeyPem,
        serial,
        commonName: `${user.loginId} ${serial}`,
        email: user.email,
        notBefore,
        notAfter,
      },
      ca,
    );
    const x509 = new X509Certificate(pem);
    return trx
      .insertInto('device_certificates')
      .values({
        id,
        tenant_id: tenantId,
        user_id: user.id,
        serial: x509.serialNumber.toUpperCase(),
        os: input.device.os,
        device_id_type: input.device.deviceIdType,
        device_id: input.device.deviceId,
        description: input.device.description ?? '',
        login_type: input.loginType,
        status: 'not_downloaded',
        not_before: x509.validFromDate,
        not_after: x509.validToDate,
        certificate_pem: pem,
        fingerprint_sha256: x509.fingerprint256,
        private_key_sealed:
          privateKeyPem === undefined
            ? null
            : platform.secretBox.seal(privateKeyPem, deviceKeyContext(tenantId, id)),
        renewed_from: effects.renews ?? null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  return toDeviceCertificate(row, now);
}
