/**
 * The signature rule for an inbound request from a known SP:
 * - a signature that is present is checked whenever the SP has registered certificates,
 *   and a bad one refuses the message, whether or not signing is required;
 * - a missing signature refuses the message when the SP requires signed requests;
 * - an SP without certificates cannot require signing (its config is refused on save), and
 *   a signature it sends anyway is not checked.
 * Returns the root element to read the message from: for HTTP-POST, re-parsed from the XML
 * that xml-crypto verified.
 */
import type { Element } from '@xmldom/xmldom';
import type { InboundMessage } from './inbound-message.ts';
import { verifyRedirectSignature } from './redirect-binding.ts';
import { parseSafeXml } from './safe-xml.ts';
import { SamlError } from './saml-error.ts';
import { findEnvelopedSignature, verifyEnvelopedSignature } from './verify-xml-signature.ts';

export interface SignerRules {
  signingCertificates: readonly string[];
  allowSha1: boolean;
}

export function checkInboundSignature(
  message: InboundMessage,
  sp: SignerRules,
  required: boolean,
): { signed: boolean; root: Element } {
  const certificates = sp.signingCertificates;
  if (message.binding === 'HTTP-Redirect') {
    if (message.detached && certificates.length) {
      verifyRedirectSignature(message.detached, certificates, sp.allowSha1);
      return { signed: true, root: message.root };
    }
  } else {
    const signature = findEnvelopedSignature(message.doc);
    if (signature && certificates.length) {
      const signedXml = verifyEnvelopedSignature(
        message.xml,
        signature,
        certificates,
        sp.allowSha1,
      );
      return { signed: true, root: parseSafeXml(signedXml).documentElement! };
    }
  }
  if (required) throw new SamlError('ERR_SAML_SIGNATURE_MISSING', 'this SP must sign its requests');
  return { signed: false, root: message.root };
}
