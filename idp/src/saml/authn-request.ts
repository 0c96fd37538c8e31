/**
 * The fields of an AuthnRequest (SAML core §3.4.1) this IdP acts on, read from its root
 * element, and how they pick the AssertionConsumerService: by URL (it must equal a
 * registered one, byte for byte), by index, or else the SP's default — never both.
 */
import type { Element } from '@xmldom/xmldom';
import { NS } from './saml-constants.ts';
import { SamlError } from './saml-error.ts';
import { defaultAcs, type AcsEndpoint } from './sp-endpoints.ts';

export interface AuthnRequestFields {
  acsUrl: string | undefined;
  acsIndex: string | undefined;
  protocolBinding: string | undefined;
  forceAuthn: boolean;
  isPassive: boolean;
  /** NameIDPolicy/@Format, when the SP asked for one. */
  nameIdFormat: string | undefined;
}

const xsBoolean = (v: string | null) => v === 'true' || v === '1';
const attr = (e: Element, name: string) => e.getAttribute(name) || undefined;

export function isAuthnRequest(root: Element): boolean {
  return root.localName === 'AuthnRequest' && root.namespaceURI === NS.protocol;
}

export function readAuthnRequest(root: Element): AuthnRequestFields {
  const policy = Array.from(root.childNodes).find(
    (n) =>
      n.nodeType === 1 &&
      (n as Element).localName === 'NameIDPolicy' &&
      (n as Element).namespaceURI === NS.protocol,
  ) as Element | undefined;
  return {
    acsUrl: attr(root, 'AssertionConsumerServiceURL'),
    acsIndex: attr(root, 'AssertionConsumerServiceIndex'),
    protocolBinding: attr(root, 'ProtocolBinding'),
    forceAuthn: xsBoolean(root.getAttribute('ForceAuthn')),
    isPassive: xsBoolean(root.getAttribute('IsPassive')),
    nameIdFormat: policy ? attr(policy, 'Format') : undefined,
  };
}

export function resolveAcs(acs: readonly AcsEndpoint[], fields: AuthnRequestFields): AcsEndpoint {
  const unknown = (detail: string) =>
    new SamlError('ERR_SAML_UNKNOWN_ACS', 'the AssertionConsumerService is not registered', {
      detail,
    });
  if (fields.acsUrl !== undefined && fields.acsIndex !== undefined)
    throw unknown('both AssertionConsumerServiceURL and AssertionConsumerServiceIndex');
  if (fields.acsUrl !== undefined) {
    const found = acs.find((a) => a.url === fields.acsUrl);
    if (!found) throw unknown(`AssertionConsumerServiceURL=${fields.acsUrl}`);
    return found;
  }
  if (fields.acsIndex !== undefined) {
    const found = /^\d{1,5}$/.test(fields.acsIndex)
      ? acs.find((a) => a.index === Number(fields.acsIndex))
      : undefined;
    if (!found) throw unknown(`AssertionConsumerServiceIndex=${fields.acsIndex}`);
    return found;
  }
  return defaultAcs(acs);
}
