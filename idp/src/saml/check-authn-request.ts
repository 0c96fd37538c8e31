/**
 * Validates an AuthnRequest into a pending sign-in, in this order (each failure is a
 * SamlError; see saml-error.ts for where it goes):
 *  1. it is an AuthnRequest with an Issuer that names a registered, enabled SP  -> else page
 *  2. its AssertionConsumerService is one the SP registered                    -> else page
 *  -- from here on, refusals are Responses with a status to that ACS --
 *  3. the signature rule of inbound-signature.ts; fields are re-read from the verified XML
 *  4. ProtocolBinding (HTTP-POST only), Version, Destination, IssueInstant, RelayState length
 *  5. the ID is not replayed (checked after the signature, so a forgery cannot burn an ID)
 *  6. a NameIDPolicy Format, if any, is the SP's configured format (or unspecified)
 */
import type { Tenant } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { IdpEndpoints } from './idp-endpoints.ts';
import type { InboundMessage } from './inbound-message.ts';
import { isAuthnRequest, readAuthnRequest, resolveAcs } from './authn-request.ts';
import { checkInboundSignature } from './inbound-signature.ts';
import {
  checkDestination,
  checkIssueInstant,
  checkRelayState,
  checkReplay,
  checkVersion,
  messageId,
  readIssuer,
} from './message-checks.ts';
import type { PendingSso } from './pending-sso.ts';
import { BINDING, NAMEID_FORMAT } from './saml-constants.ts';
import { SamlError, isSamlError } from './saml-error.ts';
import { findSpByEntityId, type SamlSp } from './sp-lookup.ts';

/** Where an error Response may go: a registered SP and one of its registered ACS URLs. */
export interface ReplyTarget {
  sp: SamlSp;
  acsUrl: string;
  inResponseTo?: string | undefined;
  relayState?: string | undefined;
}

export type AuthnRequestCheck =
  | { ok: true; pending: PendingSso; sp: SamlSp }
  | { ok: false; error: SamlError; target?: ReplyTarget | undefined };

function checkNameIdPolicy(requested: string | undefined, sp: SamlSp): void {
  if (!requested || requested === NAMEID_FORMAT.unspecified) return;
  if (requested !== NAMEID_FORMAT[sp.config.nameIdFormat])
    throw new SamlError('ERR_SAML_NAMEID_POLICY', 'the requested NameID format is not configured', {
      detail: `Format=${requested}`,
    });
}

export async function checkAuthnRequest(
  services: IdpServices,
  tenant: Tenant,
  endpoints: IdpEndpoints,
  message: InboundMessage,
): Promise<AuthnRequestCheck> {
  let target: ReplyTarget | undefined;
  try {
    if (message.param !== 'SAMLRequest' || !isAuthnRequest(message.root))
      throw new SamlError('ERR_SAML_MALFORMED', 'expected an AuthnRequest');
    const sp = await findSpByEntityId(services, tenant.id, readIssuer(message.root));
    const acs = resolveAcs(sp.config.acs, readAuthnRequest(message.root));
    const relayFits = Buffer.byteLength(message.relayState ?? '') <= sp.config.relayStateMaxBytes;
    target = {
      sp,
      acsUrl: acs.url,
      inResponseTo: messageId(message.root),
      relayState: relayFits ? message.relayState : undefined,
    };
    const { signed, root } = checkInboundSignature(
      message,
      sp.config,
      sp.config.requireSignedAuthnRequests,
    );
    const fields = readAuthnRequest(root);
    if (resolveAcs(sp.config.acs, fields).url !== acs.url)
      throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'the signed request names another ACS');
    if (fields.protocolBinding !== undefined && fields.protocolBinding !== BINDING.post)
      throw new SamlError('ERR_SAML_BINDING', 'Responses are sent by HTTP-POST only');
    checkVersion(root);
    checkDestination(root, endpoints.sso, signed);
    checkIssueInstant(root, services.platform.clock.now());
    checkRelayState(message.relayState, sp.config.relayStateMaxBytes);
    await checkReplay(services.platform.kv, tenant.id, sp.config.entityId, root);
    checkNameIdPolicy(fields.nameIdFormat, sp);
    const pending: PendingSso = {
      tenantId: tenant.id,
      appId: sp.id,
      acsUrl: acs.url,
      requestId: messageId(root),
      relayState: message.relayState,
      forceAuthn: fields.forceAuthn,
      isPassive: fields.isPassive,
      receivedAt: services.platform.clock.now().getTime(),
      binding: message.binding,
    };
    return { ok: true, pending, sp };
  } catch (err) {
    if (isSamlError(err)) return { ok: false, error: err, target };
    throw err;
  }
}
