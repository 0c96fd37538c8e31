/**
 * The SAML 2.0 IdP of each tenant, under `/t/:tenant/saml` (docs/saml.md):
 * metadata, SSO (HTTP-Redirect and HTTP-POST), the continue step after sign-in,
 * IdP-initiated sign-in, and single logout.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { IdpOptions } from '../index.ts';
import { idpInitiatedRoute } from './idp-initiated-route.ts';
import { metadataRoute } from './metadata-route.ts';
import { sloRoutes } from './slo-routes.ts';
import { ssoRoutes } from './sso-routes.ts';

export const samlRoutes: FastifyPluginAsync<IdpOptions> = async (app, options) => {
  await app.register(metadataRoute, options);
  await app.register(ssoRoutes, options);
  await app.register(idpInitiatedRoute, options);
  await app.register(sloRoutes, options);
};
