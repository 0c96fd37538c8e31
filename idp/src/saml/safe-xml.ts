/**
 * Turns the bytes of an inbound SAML message into a DOM, refusing what XML parsers are
 * attacked with (OWASP XXE and "billion laughs"; SAML bindings §3.4.4.1 DEFLATE):
 * - a DOCTYPE or ENTITY declaration anywhere in the text is refused before parsing: SAML
 *   messages never need one (SAML core §1.3, "not permitted to contain a DTD");
 * - the DEFLATE stream is inflated with an output cap, so a zip bomb stops at the cap;
 * - base64 must be strict, the text strict UTF-8, and the parser stops on any warning or
 *   error instead of repairing the markup.
 */
import { inflateRawSync } from 'node:zlib';
import { DOMParser, type Document } from '@xmldom/xmldom';
import { MAX_MESSAGE_BYTES } from './saml-constants.ts';
import { SamlError } from './saml-error.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a SAMLRequest/SAMLResponse value; `inflate` for the HTTP-Redirect binding, or
 * `'if-deflated'` for HTTP-POST: the binding says base64 only, but passport-saml/node-saml
 * SPs DEFLATE POSTed requests by default, so bytes that do not look like XML are inflated
 * under the same cap.
 */
export function decodeSamlMessage(value: unknown, inflate: boolean | 'if-deflated'): string {
  if (typeof value !== 'string' || !value)
    throw new SamlError('ERR_SAML_MALFORMED', 'the SAML message is missing');
  const compact = value.replace(/[\r\n\t ]/g, '');
  if (compact.length > Math.ceil((MAX_MESSAGE_BYTES * 4) / 3) + 4)
    throw new SamlError('ERR_SAML_TOO_LARGE', 'the SAML message is too large');
  if (!BASE64.test(compact) || compact.length % 4 === 1)
    throw new SamlError('ERR_SAML_MALFORMED', 'the SAML message is not base64');
  let bytes = Buffer.from(compact, 'base64');
  const looksLikeXml = /^(\xEF\xBB\xBF)?\s*</.test(bytes.subarray(0, 64).toString('latin1'));
  if (inflate === true || (inflate === 'if-deflated' && !looksLikeXml)) {
    try {
      bytes = inflateRawSync(bytes, { maxOutputLength: MAX_MESSAGE_BYTES });
    } catch (cause) {
      const tooBig = (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new SamlError(
        tooBig ? 'ERR_SAML_TOO_LARGE' : 'ERR_SAML_MALFORMED',
        tooBig ? 'the inflated SAML message is too large' : 'the SAML message does not inflate',
        { cause },
      );
    }
  }
  if (bytes.length > MAX_MESSAGE_BYTES)
    throw new SamlError('ERR_SAML_TOO_LARGE', 'the SAML message is too large');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new SamlError('ERR_SAML_MALFORMED', 'the SAML message is not UTF-8', { cause });
  }
}

/** Parses XML text that must not declare a DTD or entities; throws SamlError otherwise. */
export function parseSafeXml(xml: string, maxBytes = MAX_MESSAGE_BYTES): Document {
  if (/<!DOCTYPE|<!ENTITY|<!ELEMENT|<!ATTLIST/i.test(xml))
    throw new SamlError('ERR_SAML_DTD', 'XML with a DTD or entity declarations is refused');
  if (Buffer.byteLength(xml) > maxBytes)
    throw new SamlError('ERR_SAML_TOO_LARGE', 'the XML document is too large');
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (cause) {
    throw new SamlError('ERR_SAML_MALFORMED', 'the XML is not well-formed', {
      cause,
      detail: (cause as Error).message,
    });
  }
  if (!doc.documentElement)
    throw new SamlError('ERR_SAML_MALFORMED', 'the XML has no root element');
  return doc;
}
