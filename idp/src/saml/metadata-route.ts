/**
 * `GET /t/:tenant/saml/metadata`: the IdP metadata (idp-metadata.ts) with every published
 * signing certificate, so SPs that poll it follow key rotations without a gap. Served as
 * `application/samlmetadata+xml` (SAML metadata §4.1.1), cacheable for an hour — far
 * shorter than the rotation overlap.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { IdpOptions } from '../index.ts';
import { pageContext } from '../routes/page-context.ts';
import { idpEndpoints } from './idp-endpoints.ts';
import { buildIdpMetadata } from './idp-metadata.ts';
import { tenantParams } from './route-schemas.ts';

export const metadataRoute: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  app.get(
    '/t/:tenant/saml/metadata',
    { schema: { params: tenantParams } },
    async (request, reply) => {
      const ctx = await pageContext(request, services.platform);
      const keys = await services.keys.published(ctx.tenant.id, 'saml');
      const certificates = keys.flatMap((k) => (k.certificatePem ? [k.certificatePem] : []));
      const xml = buildIdpMetadata(
        idpEndpoints(services.platform.config.publicUrl, ctx.tenant.slug),
        certificates,
      );
      return reply
        .type('application/samlmetadata+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .header('content-disposition', `inline; filename="${ctx.tenant.slug}-saml-metadata.xml"`)
        .send(xml);
    },
  );
};
