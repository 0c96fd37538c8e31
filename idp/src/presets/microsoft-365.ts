/**
 * Microsoft 365 / Entra ID domain federation with Sekisho as the IdP, over SAML 2.0 (SP-Lite)
 * or WS-Federation. Vendor rules:
 * - SP entity ID / realm `urn:federation:MicrosoftOnline`, assertions POSTed to
 *   `https://login.microsoftonline.com/login.srf`
 *   (https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/how-to-connect-fed-saml-idp;
 *   https://learn.microsoft.com/en-us/entra/external-id/direct-federation for WS-Fed);
 * - NameID format persistent, value = the user's ImmutableID (onPremisesImmutableId), which
 *   Sekisho reads from a custom user attribute; attribute `IDPEmail` (no NameFormat) = UPN
 *   (how-to-connect-fed-saml-idp, "Required attributes");
 * - the Assertion is signed, RSA-SHA256 (the page's SHA-1 sample is deprecated by its own
 *   note); never encrypted (the protocol requirements name no encryption);
 * - MFA done here is passed as AuthnContextClassRef
 *   `http://schemas.microsoft.com/claims/multipleauthn`
 *   (https://learn.microsoft.com/en-us/entra/identity/authentication/concept-mfa-expected-inbound-assertions);
 * - Entra starts every sign-in (SP-initiated; unsolicited responses are not described).
 */
import type { FieldProblem } from '@sekisho/platform';
import { samlSpSpec, type SamlSpConfig } from '../saml/sp-config.ts';
import { validateWsFedRpConfig, type WsFedRpConfig } from '../wsfed/rp-config.ts';
import { domainName, inputRecord, throwIfAny } from './preset-input.ts';

export const MICROSOFT_ONLINE = 'urn:federation:MicrosoftOnline';
export const MICROSOFT_LOGIN_SRF = 'https://login.microsoftonline.com/login.srf';
export const MICROSOFT_MFA_CLASS = 'http://schemas.microsoft.com/claims/multipleauthn';

/** What the admin enters to connect Microsoft 365. */
export interface Microsoft365Input {
  /** The custom domain to federate, e.g. `example.com` (never `*.onmicrosoft.com`). */
  domain: string;
  /** The custom user attribute holding each user's ImmutableID; default `immutableId`. */
  immutableIdAttribute?: string;
  /** Where the UPN comes from; default `email`. */
  upnSource?: 'email' | 'loginId';
}

export interface ParsedMicrosoft365Input {
  domain: string;
  immutableIdAttribute: string;
  upnSource: 'email' | 'loginId';
}

const ATTRIBUTE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/;

export function parseMicrosoft365Input(raw: unknown): ParsedMicrosoft365Input {
  const r = inputRecord(raw, ['domain', 'immutableIdAttribute', 'upnSource']);
  const problems: FieldProblem[] = [];
  const domain = domainName(r.domain, 'domain', problems);
  // "You can't federate the default domain that is provided by Microsoft"
  // (how-to-connect-fed-saml-idp, "Set up a trust").
  if (domain === 'onmicrosoft.com' || domain.endsWith('.onmicrosoft.com'))
    problems.push({
      field: 'domain',
      message: 'the default *.onmicrosoft.com domain cannot be federated',
    });
  const immutableIdAttribute = r.immutableIdAttribute ?? 'immutableId';
  if (typeof immutableIdAttribute !== 'string' || !ATTRIBUTE_NAME.test(immutableIdAttribute))
    problems.push({ field: 'immutableIdAttribute', message: 'must be a custom attribute name' });
  const upnSource = r.upnSource ?? 'email';
  if (upnSource !== 'email' && upnSource !== 'loginId')
    problems.push({ field: 'upnSource', message: "must be 'email' or 'loginId'" });
  throwIfAny(problems);
  return {
    domain,
    immutableIdAttribute: immutableIdAttribute as string,
    upnSource: upnSource as 'email' | 'loginId',
  };
}

/** The SAML 2.0 SP configuration of Entra ID. */
export function microsoft365Preset(raw: Microsoft365Input | unknown): SamlSpConfig {
  const input = parseMicrosoft365Input(raw);
  return samlSpSpec.validate({
    entityId: MICROSOFT_ONLINE,
    acs: [{ url: MICROSOFT_LOGIN_SRF, binding: 'HTTP-POST', index: 0, isDefault: true }],
    signAssertion: true,
    signResponse: false,
    encryptAssertion: false,
    nameIdFormat: 'persistent',
    nameIdSource: `attr:${input.immutableIdAttribute}`,
    attributes: [{ name: 'IDPEmail', source: input.upnSource }],
    authnContextMfa: MICROSOFT_MFA_CLASS,
    allowIdpInitiated: false,
  });
}

/** The WS-Federation relying party configuration of Entra ID. */
export function microsoft365WsFedPreset(raw: Microsoft365Input | unknown): WsFedRpConfig {
  const input = parseMicrosoft365Input(raw);
  return validateWsFedRpConfig({
    realm: MICROSOFT_ONLINE,
    replyUrls: [MICROSOFT_LOGIN_SRF],
    // Where Microsoft's sign-out may send the browser back to.
    signOutUrls: ['https://login.microsoftonline.com/logout.srf'],
    nameIdSource: `attr:${input.immutableIdAttribute}`,
    upnSource: input.upnSource,
  });
}
