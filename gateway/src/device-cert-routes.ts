/**
 * Public device-CA URLs of a tenant (issue #5 §1, §5), stable and unauthenticated, for MDM
 * tools and relying parties that check revocation:
 * - `GET /t/:tenant/device-ca/ca.pem`: the tenant CA's certificate (created on first use);
 * - `GET /t/:tenant/device-ca/crl`: the current signed CRL, DER (`application/pkix-crl`), or
 *   PEM with `?format=pem`. The CRL is reissued on each revocation and when a day old.
 * An unknown or inactive tenant is a 404 (no difference is shown).
 */
import type { FastifyPluginAsync } from 'fastify';
import { SekishoError, type Platform, type Tenant } from '@sekisho/platform';
import type { DeviceCertService } from '@sekisho/device-cert';

export interface DeviceCertRoutesOptions {
  platform: Platform;
  deviceCerts: DeviceCertService;
}

export const deviceCertRoutes: FastifyPluginAsync<DeviceCertRoutesOptions> = async (
  app,
  { platform, deviceCerts },
) => {
  async function tenantOf(params: unknown): Promise<Tenant> {
    const { tenant: slug } = params as { tenant: string };
    const tenant = await platform.tenants.getBySlug(slug);
    if (!tenant || tenant.status !== 'active')
      throw new SekishoError('ERR_NOT_FOUND', `no tenant '${slug}'`);
    return tenant;
  }

  app.get('/t/:tenant/device-ca/ca.pem', async (request, reply) => {
    const tenant = await tenantOf(request.params);
    const { certificatePem } = await deviceCerts.ensureCa(tenant.id);
    return reply
      .type('application/x-pem-file')
      .header('content-disposition', `attachment; filename="${tenant.slug}-device-ca.pem"`)
      .header('cache-control', 'public, max-age=3600')
      .send(certificatePem);
  });

  app.get('/t/:tenant/device-ca/crl', async (request, reply) => {
    const tenant = await tenantOf(request.params);
    const crl = await deviceCerts.crl(tenant.id);
    const pem = (request.query as { format?: string }).format === 'pem';
    // Short caching: a revocation must be visible soon after it commits.
    reply.header('cache-control', 'public, max-age=60');
    reply.header('last-modified', crl.thisUpdate.toUTCString());
    return pem
      ? reply.type('application/x-pem-file').send(crl.pem)
      : reply.type('application/pkix-crl').send(crl.der);
  });
};
