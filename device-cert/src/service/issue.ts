/**
 * Issues a device certificate for a user, within the tenant's contracted count.
 *
 * - The count never exceeds `max_device_certs`, even with two admins issuing at once: the
 *   tenant row is locked (`SELECT ... FOR UPDATE`) while valid certificates are counted and the
 *   new one inserted, so concurrent issuances run one after another.
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
import { COUNTED_STATUSES, toDeviceCertificate, type DeviceCertificate } from './records.ts';
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

/** Shared by `issue` and `issueFromCsr` (which passes no private key). */
export async function issueForKey(
  deps: DeviceCertDeps,
  tenantId: string,
  input: IssueInput,
  publicKeyPem: string,
  privateKeyPem: string | undefined,
): Promise<DeviceCertificate> {
  const { db, platform } = deps;
  const user = await platform.users.get(tenantId, input.userId);
  if (!user) throw new SekishoError('ERR_USER_NOT_FOUND', 'no such user');
  if (user.status !== 'active') {
    throw new SekishoError('ERR_CONFLICT', 'certificates are issued to active users only');
  }
  const ca = await ensureCa(deps, tenantId);
  const id = randomUUID();
  const now = platform.clock.now();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = new Date(now.getTime() + (input.validityDays ?? deps.validityDays) * 86_400_000);
  const row = await db.transaction().execute(async (trx) => {
    const tenant = await trx
      .selectFrom('tenants')
      .select(['max_device_certs'])
      .where('id', '=', tenantId)
      .forUpdate()
      .executeTakeFirst();
    if (!tenant) throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
    const { n } = await trx
      .selectFrom('device_certificates')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', COUNTED_STATUSES)
      .where('not_after', '>', now)
      .executeTakeFirstOrThrow();
    if (Number(n) >= tenant.max_device_certs) {
      throw new SekishoError(
        'ERR_DEVICE_CERT_LIMIT',
        'contracted device-certificate count reached',
        {
          params: { max: tenant.max_device_certs },
        },
      );
    }
    const counter = await trx
      .updateTable('device_cas')
      .set({ serial_counter: sql<string>`serial_counter + 1` })
      .where('tenant_id', '=', tenantId)
      .returning('serial_counter')
      .executeTakeFirstOrThrow();
    const serial = serialFor(Number(counter.serial_counter));
    const pem = buildDeviceCertificate(
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
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
  return toDeviceCertificate(row);
}
