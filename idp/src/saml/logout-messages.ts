/**
 * The single-logout messages (SAML core §3.7): LogoutRequest (Issuer, NameID, SessionIndex)
 * and LogoutResponse (Issuer, Status), built unsigned — the binding signs them
 * (deliver-to-sp.ts) — and the fields read from inbound ones.
 */
import type { Element } from '@xmldom/xmldom';
import { ASSERTION_LIFETIME_MS, NS } from './saml-constants.ts';
import { escapeXml as x } from './escape-xml.ts';
import { newSamlId, samlInstant } from './build-assertion.ts';
import { statusXml } from './build-response.ts';
import type { SamlStatus } from './saml-error.ts';

export interface SamlMessage {
  id: string;
  xml: string;
}

const is = (root: Element, name: string) =>
  root.localName === name && root.namespaceURI === NS.protocol;
export const isLogoutRequest = (root: Element) => is(root, 'LogoutRequest');
export const isLogoutResponse = (root: Element) => is(root, 'LogoutResponse');

function header(name: string, id: string, destination: string, now: Date, extra = ''): string {
  return (
    `<samlp:${name} xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${id}" Version="2.0" ` +
    `IssueInstant="${samlInstant(now)}" Destination="${x(destination)}"${extra}>`
  );
}

export function buildLogoutRequest(input: {
  issuer: string;
  destination: string;
  nameId: { value: string; format: string };
  sessionIndex: string;
  now: Date;
}): SamlMessage {
  const id = newSamlId();
  const notOnOrAfter = ` NotOnOrAfter="${samlInstant(input.now.getTime() + ASSERTION_LIFETIME_MS)}"`;
  const xml =
    header('LogoutRequest', id, input.destination, input.now, notOnOrAfter) +
    `<saml:Issuer>${x(input.issuer)}</saml:Issuer>` +
    `<saml:NameID Format="${x(input.nameId.format)}">${x(input.nameId.value)}</saml:NameID>` +
    `<samlp:SessionIndex>${x(input.sessionIndex)}</samlp:SessionIndex>` +
    `</samlp:LogoutRequest>`;
  return { id, xml };
}

export function buildLogoutResponse(input: {
  issuer: string;
  destination: string;
  inResponseTo?: string | undefined;
  status: SamlStatus & { message?: string | undefined };
  now: Date;
}): SamlMessage {
  const id = newSamlId();
  const inResponseTo = input.inResponseTo ? ` InResponseTo="${x(input.inResponseTo)}"` : '';
  const xml =
    header('LogoutResponse', id, input.destination, input.now, inResponseTo) +
    `<saml:Issuer>${x(input.issuer)}</saml:Issuer>` +
    statusXml(input.status) +
    `</samlp:LogoutResponse>`;
  return { id, xml };
}

function child(parent: Element, ns: string, name: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (n): n is Element =>
      n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns,
  );
}

export function readLogoutRequest(root: Element): {
  nameId: string | undefined;
  sessionIndexes: string[];
} {
  const [nameId] = child(root, NS.assertion, 'NameID');
  return {
    nameId: nameId?.textContent?.trim() || undefined,
    sessionIndexes: child(root, NS.protocol, 'SessionIndex').map((e) =>
      (e.textContent ?? '').trim(),
    ),
  };
}

/** The top-level StatusCode of a response. */
export function readStatusCode(root: Element): string | undefined {
  const [status] = child(root, NS.protocol, 'Status');
  const [code] = status ? child(status, NS.protocol, 'StatusCode') : [];
  return code?.getAttribute('Value') ?? undefined;
}
