/**
 * Validates an SP's LogoutRequest (SAML profiles §4.4.4.1), in this order:
 *  1. it is a LogoutRequest whose Issuer is a registered, enabled SP          -> else page
 *  2. that SP registered a SingleLogoutService to answer at                   -> else page
 *  -- from here on, refusals are LogoutResponses with a status to that endpoint --
 *  3. signature: required when the SP registered signing certificates (the profile wants
 *     the request authenticated); checked by the rules of inbound-signature.ts
 *  4. Version, Destination (this IdP's SLO URL), IssueInstant, NotOnOrAfter, RelayState
 *     length, and no replay of its ID
 */
import type { Element } from '@xmldom/xmldom';
import type { Tenant } from '@sekisho/platform';
import type { IdpServices } from '../services.ts';
import type { IdpEndpoints } from './idp-endpoints.ts';
import type { InboundMessage } from './inbound-message.ts';
import { checkInboundSignature } from './inbound-signature.ts';
import { isLogoutRequest, readLogoutRequest } from './logout-messages.ts';
import {
  checkDestination,
  checkIssueInstant,
  checkRelayState,
  checkReplay,
  checkVersion,
  messageId,
  readIssuer,
} from './message-checks.ts';
import { SamlError, isSamlError } from './saml-error.ts';
import { findSpByEntityId, type SamlSp } from './sp-lookup.ts';

export interface PendingLogout {
  appId: string;
  requestId: string | undefined;
  relayState: string | undefined;
  nameId: string | undefined;
  sessionIndexes: string[];
}

/** Where a LogoutResponse may go: the registered SLO endpoint of a registered SP. */
export interface LogoutTarget {
  sp: SamlSp;
  inResponseTo?: string | undefined;
  relayState?: string | undefined;
}

export type LogoutRequestCheck =
  | { ok: true; pending: PendingLogout; sp: SamlSp }
  | { ok: false; error: SamlError; target?: LogoutTarget | undefined };

function checkNotOnOrAfter(root: Element, now: Date): void {
  const raw = root.getAttribute('NotOnOrAfter');
  if (raw && !(Date.parse(raw) > now.getTime()))
    throw new SamlError('ERR_SAML_STALE', 'the logout request has expired', {
      detail: `NotOnOrAfter=${raw}`,
    });
}

export async function checkLogoutRequest(
  services: IdpServices,
  tenant: Tenant,
  endpoints: IdpEndpoints,
  message: InboundMessage,
): Promise<LogoutRequestCheck> {
  let target: LogoutTarget | undefined;
  try {
    if (!isLogoutRequest(message.root))
      throw new SamlError('ERR_SAML_MALFORMED', 'expected a LogoutRequest');
    const sp = await findSpByEntityId(services, tenant.id, readIssuer(message.root));
    if (!sp.config.slo)
      throw new SamlError(
        'ERR_SAML_NO_SLO_ENDPOINT',
        'the SP has no SingleLogoutService registered',
      );
    const relayFits = Buffer.byteLength(message.relayState ?? '') <= sp.config.relayStateMaxBytes;
    target = {
      sp,
      inResponseTo: messageId(message.root),
      relayState: relayFits ? message.relayState : undefined,
    };
    const required = sp.config.signingCertificates.length > 0;
    const { signed, root } = checkInboundSignature(message, sp.config, required);
    const now = services.platform.clock.now();
    checkVersion(root);
    checkDestination(root, endpoints.slo, signed);
    checkIssueInstant(root, now);
    checkNotOnOrAfter(root, now);
    checkRelayState(message.relayState, sp.config.relayStateMaxBytes);
    await checkReplay(services.platform.kv, tenant.id, sp.config.entityId, root);
    const fields = readLogoutRequest(root);
    const pending: PendingLogout = {
      appId: sp.id,
      requestId: messageId(root),
      relayState: message.relayState,
      ...fields,
    };
    return { ok: true, pending, sp };
  } catch (err) {
    if (isSamlError(err)) return { ok: false, error: err, target };
    throw err;
  }
}
