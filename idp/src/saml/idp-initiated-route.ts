/**
 * `GET /t/:tenant/saml/start/:appId[?RelayState=…]`: IdP-initiated sign-in from the portal
 * (SAML profiles §4.1.5, unsolicited Response): no InResponseTo, the SP's default ACS, and
 * RelayState passed through when it fits the SP's limit. SPs that do not accept unsolicited
 * Responses (Entra) are configured with allowIdpInitiated=false and get a page instead.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { IdpOptions } from '../index.ts';
import { pageContext } from '../routes/page-context.ts';
import { completeSso } from './complete-sso.ts';
import { checkRelayState } from './message-checks.ts';
import { savePendingSso } from './pending-sso.ts';
import { refuseRequest } from './refuse-request.ts';
import { startParams, startQuery } from './route-schemas.ts';
import { SamlError, isSamlError } from './saml-error.ts';
import { defaultAcs } from './sp-endpoints.ts';
import { getSpById } from './sp-lookup.ts';

export const idpInitiatedRoute: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  const { platform } = services;
  app.get<{ Params: { tenant: string; appId: string }; Querystring: { RelayState?: string } }>(
    '/t/:tenant/saml/start/:appId',
    { schema: { params: startParams, querystring: startQuery } },
    async (request, reply) => {
      const ctx = await pageContext(request, platform);
      const relayState = request.query.RelayState || undefined;
      let id: string;
      try {
        const sp = await getSpById(services, ctx.tenant.id, request.params.appId);
        if (!sp.config.allowIdpInitiated)
          throw new SamlError(
            'ERR_SAML_IDP_INITIATED_OFF',
            'this SP accepts only SP-initiated sign-in',
          );
        checkRelayState(relayState, sp.config.relayStateMaxBytes);
        id = await savePendingSso(platform.kv, {
          tenantId: ctx.tenant.id,
          appId: sp.id,
          acsUrl: defaultAcs(sp.config.acs).url,
          relayState,
          forceAuthn: false,
          isPassive: false,
          receivedAt: platform.clock.now().getTime(),
          binding: 'idp-initiated',
        });
      } catch (err) {
        if (isSamlError(err)) return refuseRequest(services, reply, ctx, err);
        throw err;
      }
      return completeSso(services, request, reply, ctx, id);
    },
  );
};
