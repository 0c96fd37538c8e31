/**
 * The token of a WS-Federation passive sign-in (`wresult`), shaped as Microsoft Entra ID
 * reads it: a WS-Trust 2005/02 RequestSecurityTokenResponse carrying a SAML 1.1 assertion
 * (https://learn.microsoft.com/en-us/entra/identity/authentication/concept-mfa-expected-inbound-assertions,
 * "Use WS-Fed/SAML 1.1 to configure a federated IdP").
 * - Issuer = the tenant's WS-Fed issuer URI, which Entra matches to the domain's IssuerUri.
 * - Audience = the realm; Conditions NotBefore = issue time, NotOnOrAfter = + lifetime.
 * - NameIdentifier (format unspecified) and the ImmutableID claim carry the user's ImmutableID;
 *   UPN carries the user principal name. Claim URIs as AD FS issues them for Microsoft 365:
 *   UPN in http://schemas.xmlsoap.org/claims
 *   (https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/how-to-connect-install-multiple-domains),
 *   ImmutableID in http://schemas.microsoft.com/LiveID/Federation/2008/05
 *   (https://learn.microsoft.com/en-us/entra/external-id/direct-federation, "Required claims
 *   for the WS-Fed token").
 * - AuthenticationMethod is multipleauthn when the session did MFA, so Entra's
 *   federatedIdpMfaBehavior can accept it (concept-mfa-expected-inbound-assertions above);
 *   otherwise SAML 1.1 password.
 * - The assertion is signed (RSA-SHA256, exclusive c14n, enveloped, X.509 KeyInfo); the
 *   signature is its last child, as the SAML 1.1 schema orders it.
 */
import { randomBytes } from 'node:crypto';
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { signEnveloped, type XmlSigningKey } from './xml-sign.ts';

export const NS = {
  t: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsp: 'http://schemas.xmlsoap.org/ws/2004/09/policy',
  wsa: 'http://www.w3.org/2005/08/addressing',
  saml: 'urn:oasis:names:tc:SAML:1.0:assertion',
} as const;

export const AM_PASSWORD = 'urn:oasis:names:tc:SAML:1.0:am:password';
export const AM_MULTIPLE_AUTHN = 'http://schemas.microsoft.com/claims/multipleauthn';
export const NAMEID_UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
export const CM_BEARER = 'urn:oasis:names:tc:SAML:1.0:cm:bearer';
export const UPN_NAMESPACE = 'http://schemas.xmlsoap.org/claims';
export const IMMUTABLE_ID_NAMESPACE = 'http://schemas.microsoft.com/LiveID/Federation/2008/05';

export interface WsFedTokenInput {
  issuer: string;
  realm: string;
  /** The user's ImmutableID: NameIdentifier and the ImmutableID claim. */
  immutableId: string;
  upn: string;
  /** RFC 8176 methods of the session; `mfa` makes the token say multipleauthn. */
  amr: readonly string[];
  authenticatedAt: Date;
  issuedAt: Date;
  lifetimeSeconds: number;
  key: XmlSigningKey;
}

export interface WsFedToken {
  wresult: string;
  assertionId: string;
  notOnOrAfter: Date;
  authenticationMethod: string;
}

type Child = Element | string;

function builder(doc: Document) {
  return (ns: string, qname: string, attrs: Record<string, string>, ...children: Child[]) => {
    const e = doc.createElementNS(ns, qname);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
    return e;
  };
}

function assertion(doc: Document, input: WsFedTokenInput, id: string, method: string): Element {
  const el = builder(doc);
  const s = (name: string, attrs: Record<string, string>, ...c: Child[]) =>
    el(NS.saml, `saml:${name}`, attrs, ...c);
  const iso = (d: Date) => d.toISOString();
  const notOnOrAfter = new Date(input.issuedAt.getTime() + input.lifetimeSeconds * 1000);
  const subject = () =>
    s(
      'Subject',
      {},
      s('NameIdentifier', { Format: NAMEID_UNSPECIFIED }, input.immutableId),
      s('SubjectConfirmation', {}, s('ConfirmationMethod', {}, CM_BEARER)),
    );
  const attribute = (name: string, ns: string, value: string) =>
    s('Attribute', { AttributeName: name, AttributeNamespace: ns }, s('AttributeValue', {}, value));
  const a = s(
    'Assertion',
    {
      MajorVersion: '1',
      MinorVersion: '1',
      AssertionID: id,
      Issuer: input.issuer,
      IssueInstant: iso(input.issuedAt),
    },
    s(
      'Conditions',
      { NotBefore: iso(input.issuedAt), NotOnOrAfter: iso(notOnOrAfter) },
      s('AudienceRestrictionCondition', {}, s('Audience', {}, input.realm)),
    ),
    s(
      'AttributeStatement',
      {},
      subject(),
      attribute('UPN', UPN_NAMESPACE, input.upn),
      attribute('ImmutableID', IMMUTABLE_ID_NAMESPACE, input.immutableId),
    ),
    s(
      'AuthenticationStatement',
      { AuthenticationMethod: method, AuthenticationInstant: iso(input.authenticatedAt) },
      subject(),
    ),
  );
  return a;
}

/** Builds and signs the RequestSecurityTokenResponse posted as `wresult`. */
export function buildWsFedToken(input: WsFedTokenInput): WsFedToken {
  const doc = new DOMImplementation().createDocument(NS.t, 't:RequestSecurityTokenResponse', null);
  const el = builder(doc);
  const id = `_${randomBytes(20).toString('hex')}`;
  const method = input.amr.includes('mfa') ? AM_MULTIPLE_AUTHN : AM_PASSWORD;
  const expires = new Date(input.issuedAt.getTime() + input.lifetimeSeconds * 1000);
  const root = doc.documentElement!;
  const wsu = (name: string, d: Date) => el(NS.wsu, `wsu:${name}`, {}, d.toISOString());
  root.appendChild(
    el(NS.t, 't:Lifetime', {}, wsu('Created', input.issuedAt), wsu('Expires', expires)),
  );
  root.appendChild(
    el(
      NS.wsp,
      'wsp:AppliesTo',
      {},
      el(NS.wsa, 'wsa:EndpointReference', {}, el(NS.wsa, 'wsa:Address', {}, input.realm)),
    ),
  );
  root.appendChild(el(NS.t, 't:RequestedSecurityToken', {}, assertion(doc, input, id, method)));
  root.appendChild(el(NS.t, 't:TokenType', {}, NS.saml));
  root.appendChild(el(NS.t, 't:RequestType', {}, `${NS.t}/Issue`));
  root.appendChild(
    el(NS.t, 't:KeyType', {}, 'http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey'),
  );
  const unsigned = new XMLSerializer().serializeToString(doc);
  const wresult = signEnveloped(unsigned, input.key, {
    elementXpath: `//*[local-name(.)='Assertion' and namespace-uri(.)='${NS.saml}']`,
    idAttribute: 'AssertionID',
    placement: 'last-child',
  });
  return { wresult, assertionId: id, notOnOrAfter: expires, authenticationMethod: method };
}
