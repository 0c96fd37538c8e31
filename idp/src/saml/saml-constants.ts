/**
 * The SAML 2.0 names we emit and accept (SAML core, bindings and metadata specs), and the
 * timing rules of this IdP in one table:
 * - an AuthnRequest/LogoutRequest is accepted for REQUEST_MAX_AGE_MS after its IssueInstant,
 *   plus CLOCK_SKEW_MS either way (so one "from the future" by more than the skew is refused);
 * - assertions are valid from now - CLOCK_SKEW_MS for ASSERTION_LIFETIME_MS;
 * - a validated request waits PENDING_TTL_MS in the ephemeral store for the user to sign in;
 * - messages are at most MAX_MESSAGE_BYTES after base64 decoding and inflating.
 */

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  xenc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

export const NAMEID_FORMAT = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
} as const;

export type NameIdFormat = keyof typeof NAMEID_FORMAT;

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  versionMismatch: 'urn:oasis:names:tc:SAML:2.0:status:VersionMismatch',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  invalidNameIdPolicy: 'urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy',
  unsupportedBinding: 'urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding',
  requestVersionTooHigh: 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooHigh',
  requestVersionTooLow: 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow',
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
  unknownPrincipal: 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
} as const;

export const AUTHN_CONTEXT = {
  passwordProtectedTransport: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
} as const;

export const ALG = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

export const CLOCK_SKEW_MS = 2 * 60_000;
export const REQUEST_MAX_AGE_MS = 5 * 60_000;
export const ASSERTION_LIFETIME_MS = 5 * 60_000;
export const PENDING_TTL_MS = 10 * 60_000;
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** SAML bindings §3.4.3 and §3.5.3: RelayState "MUST NOT exceed 80 bytes". */
export const RELAY_STATE_SPEC_BYTES = 80;
/** Some SPs (Google) send longer RelayState values; an SP may be configured up to this. */
export const RELAY_STATE_MAX_BYTES = 1024;
