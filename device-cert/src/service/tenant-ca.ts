/**
 * One CA per tenant, created on first use.
 *
 * - The key never leaves the process in clear: sealed with the master key (context names the
 *   tenant, so a sealed key copied to another tenant's row does not open).
 * - Idempotent under concurrency: two nodes may both generate a key, but `ON CONFLICT DO
 *   NOTHING` keeps exactly one row and both return it.
 */
import { SekishoError } from '@sekisho/platform';
import { buildCaCertificate, newRsaKeyPair } from './build-certificate.ts';
import { caKeyContext, type DeviceCertDeps } from './deps.ts';

export interface TenantCa {
  tenantId: string;
  certificatePem: string;
  privateKeyPem: string;
}

export async function loadCa(
  deps: DeviceCertDeps,
  tenantId: string,
): Promise<TenantCa | undefined> {
  const row = await deps.db
    .selectFrom('device_cas')
    .select(['certificate_pem', 'private_key_sealed'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    tenantId,
    certificatePem: row.certificate_pem,
    privateKeyPem: deps.platform.secretBox
      .open(row.private_key_sealed, caKeyContext(tenantId))
      .toString(),
  };
}

/** The tenant's CA, created on the first call. */
export async function ensureCa(deps: DeviceCertDeps, tenantId: string): Promise<TenantCa> {
  const existing = await loadCa(deps, tenantId);
  if (existing) return existing;
  const tenant = await deps.platform.tenants.get(tenantId);
  if (!tenant) throw new SekishoError('ERR_TENANT_NOT_FOUND', 'no such tenant');
  const keys = await newRsaKeyPair();
  const certificatePem = buildCaCertificate(
    keys,
    `Sekisho device CA ${tenant.slug}`,
    deps.platform.clock.now(),
  );
  await deps.db
    .insertInto('device_cas')
    .values({
      tenant_id: tenantId,
      certificate_pem: certificatePem,
      private_key_sealed: deps.platform.secretBox.seal(keys.privateKeyPem, caKeyContext(tenantId)),
      created_at: deps.platform.clock.now(),
    })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  const ca = await loadCa(deps, tenantId);
  if (!ca) throw new SekishoError('ERR_INTERNAL', 'tenant CA vanished after creation');
  return ca;
}
