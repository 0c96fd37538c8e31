/**
 * Reads a SAML protocol message from the browser — HTTP-Redirect (SAML bindings §3.4: a
 * DEFLATEd, base64 query parameter with a detached SigAlg/Signature) or HTTP-POST (§3.5: a
 * base64 form field, signed inside the XML) — into a parsed DOM plus what signature checks
 * need. Nothing here is trusted yet: the SP is not known until the Issuer is looked up.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { decodeSamlMessage, parseSafeXml } from './safe-xml.ts';
import { SamlError } from './saml-error.ts';

export type MessageParam = 'SAMLRequest' | 'SAMLResponse';

export interface InboundMessage {
  binding: 'HTTP-Redirect' | 'HTTP-POST';
  param: MessageParam;
  xml: string;
  doc: Document;
  root: Element;
  relayState: string | undefined;
  /** HTTP-Redirect only: the detached signature and the exact octets it covers (§3.4.4.1). */
  detached?: { sigAlg: string; signature: string; signedText: string } | undefined;
}

function decodeQueryValue(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new SamlError('ERR_SAML_MALFORMED', 'the query string is not URL-encoded');
  }
}

function parsed(
  binding: InboundMessage['binding'],
  param: MessageParam,
  xml: string,
  relayState: string | undefined,
): InboundMessage {
  const doc = parseSafeXml(xml);
  return { binding, param, xml, doc, root: doc.documentElement!, relayState };
}

/** From the raw request URL: the signature covers the parameters exactly as sent. */
export function readRedirectMessage(rawUrl: string): InboundMessage {
  const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
  const raw = new Map<string, string>();
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (!['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature'].includes(name))
      continue;
    if (raw.has(name)) throw new SamlError('ERR_SAML_MALFORMED', `${name} appears twice`);
    raw.set(name, eq < 0 ? '' : pair.slice(eq + 1));
  }
  const param: MessageParam | undefined = raw.has('SAMLRequest')
    ? 'SAMLRequest'
    : raw.has('SAMLResponse')
      ? 'SAMLResponse'
      : undefined;
  if (!param || (raw.has('SAMLRequest') && raw.has('SAMLResponse')))
    throw new SamlError('ERR_SAML_MALFORMED', 'expected one SAMLRequest or SAMLResponse');
  const rawRelay = raw.get('RelayState');
  const relayState = rawRelay === undefined ? undefined : decodeQueryValue(rawRelay);
  const message = parsed(
    'HTTP-Redirect',
    param,
    decodeSamlMessage(decodeQueryValue(raw.get(param)!), true),
    relayState,
  );
  const sigAlg = raw.get('SigAlg');
  const signature = raw.get('Signature');
  if (sigAlg === undefined && signature === undefined) return message;
  if (!sigAlg || !signature)
    throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'SigAlg and Signature go together');
  const signedText =
    `${param}=${raw.get(param)!}` +
    (rawRelay === undefined ? '' : `&RelayState=${rawRelay}`) +
    `&SigAlg=${sigAlg}`;
  return {
    ...message,
    detached: {
      sigAlg: decodeQueryValue(sigAlg),
      signature: decodeQueryValue(signature),
      signedText,
    },
  };
}

/** From a parsed form body. Repeated fields (arrays) are refused. */
export function readPostMessage(body: unknown): InboundMessage {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const has = (k: string) => form[k] !== undefined;
  const param: MessageParam | undefined = has('SAMLRequest')
    ? 'SAMLRequest'
    : has('SAMLResponse')
      ? 'SAMLResponse'
      : undefined;
  if (!param || (has('SAMLRequest') && has('SAMLResponse')))
    throw new SamlError('ERR_SAML_MALFORMED', 'expected one SAMLRequest or SAMLResponse');
  const relayState = form.RelayState;
  if (relayState !== undefined && typeof relayState !== 'string')
    throw new SamlError('ERR_SAML_MALFORMED', 'RelayState must be one value');
  return parsed('HTTP-POST', param, decodeSamlMessage(form[param], 'if-deflated'), relayState);
}
