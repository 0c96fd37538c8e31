/**
 * Builds an unsigned saml:Assertion (SAML core §2.3.3) as a standalone element declaring its
 * own namespace, so it can be signed, encrypted and embedded as is (exclusive c14n makes the
 * signature independent of where it ends up). Elements in schema order: Issuer, (Signature),
 * Subject, Conditions, AuthnStatement, AttributeStatement. Every value is escaped.
 * Bearer rules (SAML profiles §4.1.4.2): SubjectConfirmationData carries Recipient (the
 * ACS), NotOnOrAfter and, for a solicited Response, InResponseTo; Conditions carry the
 * validity window and the SP's entityID as Audience.
 */
import { randomBytes } from 'node:crypto';
import { escapeXml as x } from './escape-xml.ts';
import { ASSERTION_LIFETIME_MS, CLOCK_SKEW_MS, NS } from './saml-constants.ts';

export interface AssertionAttribute {
  name: string;
  nameFormat?: string | undefined;
  friendlyName?: string | undefined;
  values: readonly string[];
}

export interface AssertionInput {
  issuer: string;
  audience: string;
  recipient: string;
  inResponseTo?: string | undefined;
  nameId: { value: string; format: string };
  sessionIndex: string;
  authnInstant: Date;
  authnContextClassRef: string;
  attributes: readonly AssertionAttribute[];
  now: Date;
}

/** xs:dateTime in UTC without fractional seconds, which some SPs do not parse. */
export function samlInstant(at: Date | number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A message or assertion ID: an NCName with 160 random bits. */
export function newSamlId(): string {
  return `_${randomBytes(20).toString('hex')}`;
}

function attributeXml(a: AssertionAttribute): string {
  const opt = (name: string, value: string | undefined) => (value ? ` ${name}="${x(value)}"` : '');
  const values = a.values.map((v) => `<saml:AttributeValue>${x(v)}</saml:AttributeValue>`).join('');
  return `<saml:Attribute Name="${x(a.name)}"${opt('NameFormat', a.nameFormat)}${opt('FriendlyName', a.friendlyName)}>${values}</saml:Attribute>`;
}

export function buildAssertion(input: AssertionInput): { id: string; xml: string } {
  const id = newSamlId();
  const now = input.now.getTime();
  const notOnOrAfter = samlInstant(now + ASSERTION_LIFETIME_MS);
  const inResponseTo = input.inResponseTo ? ` InResponseTo="${x(input.inResponseTo)}"` : '';
  const attributes = input.attributes.filter((a) => a.values.length);
  const xml =
    `<saml:Assertion xmlns:saml="${NS.assertion}" ID="${id}" Version="2.0" IssueInstant="${samlInstant(now)}">` +
    `<saml:Issuer>${x(input.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${x(input.nameId.format)}">${x(input.nameId.value)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${x(input.recipient)}"${inResponseTo}/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${samlInstant(now - CLOCK_SKEW_MS)}" NotOnOrAfter="${notOnOrAfter}">` +
    `<saml:AudienceRestriction><saml:Audience>${x(input.audience)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${samlInstant(input.authnInstant)}" SessionIndex="${x(input.sessionIndex)}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>${x(input.authnContextClassRef)}</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    (attributes.length
      ? `<saml:AttributeStatement>${attributes.map(attributeXml).join('')}</saml:AttributeStatement>`
      : '') +
    `</saml:Assertion>`;
  return { id, xml };
}
