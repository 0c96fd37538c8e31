/**
 * The certificate authorities a mutual-TLS listener names in its CertificateRequest and
 * trusts as a pre-filter: every tenant's device CA and every uploaded trust anchor (PEM,
 * oldest first, so the list is stable and a change is a real change). The tenant decision
 * stays `verifyClientCertificate` (a certificate of tenant A presented at /t/B is denied there).
 */
import type { DeviceCertDeps } from './deps.ts';

export async function clientAuthorities(deps: DeviceCertDeps): Promise<string[]> {
  const cas = await deps.db
    .selectFrom('device_cas')
    .select(['certificate_pem', 'created_at'])
    .orderBy('created_at')
    .orderBy('tenant_id')
    .execute();
  const anchors = await deps.db
    .selectFrom('device_cert_anchors')
    .select(['certificate_pem', 'created_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return [...cas, ...anchors].map((row) => row.certificate_pem);
}
