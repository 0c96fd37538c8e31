/**
 * The tenant's WS-Federation metadata (FederationMetadata/2007-06/FederationMetadata.xml), in
 * the form AD FS publishes and WS-Fed relying parties import
 * (WS-Federation 1.2, http://docs.oasis-open.org/wsfed/federation/v1.2/os/ws-federation-1.2-spec-os.html, section 3.1):
 * - entityID = the issuer URI that tokens carry;
 * - one RoleDescriptor xsi:type="fed:SecurityTokenServiceType" with a signing KeyDescriptor
 *   per published certificate (the active one first, then those still in their rotation
 *   overlap, so relying parties that refresh metadata trust the next key before it signs),
 *   the SAML 1.1 token type, the claims offered and the PassiveRequestorEndpoint;
 * - the document is signed with the active key (signature first, as SAML metadata orders it).
 * Entra ID itself does not read IdP metadata; the administrator enters the values instead.
 */
import { randomBytes } from 'node:crypto';
import { DOMImplementation, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { certificateBase64, signEnveloped, type XmlSigningKey } from './xml-sign.ts';
import { IMMUTABLE_ID_NAMESPACE, NS as TOKEN_NS, UPN_NAMESPACE } from './wsfed-token.ts';

const NS = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  fed: 'http://docs.oasis-open.org/wsfed/federation/200706',
  auth: 'http://docs.oasis-open.org/wsfed/authorization/200706',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xmlns: 'http://www.w3.org/2000/xmlns/',
  wsa: TOKEN_NS.wsa,
} as const;

export interface FederationMetadataInput {
  issuer: string;
  passiveEndpoint: string;
  /** PEM certificates to publish, the active one first. */
  certificates: readonly string[];
  signingKey: XmlSigningKey;
}

function make(doc: Document, ns: string, qname: string, attrs: Record<string, string> = {}) {
  return (...children: (Element | string)[]): Element => {
    const e = doc.createElementNS(ns, qname);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.appendChild(typeof c === 'string' ? doc.createTextNode(c) : c);
    return e;
  };
}

function keyDescriptor(doc: Document, pem: string): Element {
  return make(doc, NS.md, 'md:KeyDescriptor', { use: 'signing' })(
    make(
      doc,
      NS.ds,
      'ds:KeyInfo',
    )(
      make(
        doc,
        NS.ds,
        'ds:X509Data',
      )(make(doc, NS.ds, 'ds:X509Certificate')(certificateBase64(pem))),
    ),
  );
}

function claimType(doc: Document, uri: string, name: string): Element {
  return make(doc, NS.auth, 'auth:ClaimType', { Uri: uri, Optional: 'true' })(
    make(doc, NS.auth, 'auth:DisplayName')(name),
  );
}

export function buildFederationMetadata(input: FederationMetadataInput): string {
  const doc = new DOMImplementation().createDocument(NS.md, 'md:EntityDescriptor', null);
  const root = doc.documentElement!;
  root.setAttribute('ID', `_${randomBytes(20).toString('hex')}`);
  root.setAttribute('entityID', input.issuer);
  const role = make(doc, NS.md, 'md:RoleDescriptor', {
    protocolSupportEnumeration: NS.fed,
  })(
    ...input.certificates.map((pem) => keyDescriptor(doc, pem)),
    make(
      doc,
      NS.fed,
      'fed:TokenTypesOffered',
    )(make(doc, NS.fed, 'fed:TokenType', { Uri: TOKEN_NS.saml })()),
    make(
      doc,
      NS.fed,
      'fed:ClaimTypesOffered',
    )(
      claimType(doc, `${UPN_NAMESPACE}/UPN`, 'UPN'),
      claimType(doc, `${IMMUTABLE_ID_NAMESPACE}/ImmutableID`, 'ImmutableID'),
    ),
    make(
      doc,
      NS.fed,
      'fed:PassiveRequestorEndpoint',
    )(
      make(
        doc,
        NS.wsa,
        'wsa:EndpointReference',
      )(make(doc, NS.wsa, 'wsa:Address')(input.passiveEndpoint)),
    ),
  );
  // xsi:type names a QName, so its prefix must be declared where the attribute is.
  role.setAttributeNS(NS.xmlns, 'xmlns:fed', NS.fed);
  role.setAttributeNS(NS.xmlns, 'xmlns:xsi', NS.xsi);
  role.setAttributeNS(NS.xsi, 'xsi:type', 'fed:SecurityTokenServiceType');
  root.appendChild(role);
  return signEnveloped(new XMLSerializer().serializeToString(doc), input.signingKey, {
    elementXpath: `/*[local-name(.)='EntityDescriptor']`,
    idAttribute: 'ID',
    placement: 'first-child',
  });
}
