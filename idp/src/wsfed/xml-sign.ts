/**
 * Enveloped XML signatures through xml-crypto (never hand-rolled): RSA-SHA256 over SHA-256
 * digests, exclusive c14n, the enveloped-signature + exc-c14n transform pair Entra requires
 * (https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/how-to-connect-fed-saml-idp,
 * "Signature block requirements"), and KeyInfo carrying the X.509 certificate.
 */
import { SignedXml } from 'xml-crypto';

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export interface XmlSigningKey {
  privateKeyPem: string;
  certificatePem: string;
}

export interface EnvelopedSignatureOptions {
  /** Selects the one element to sign (it carries the signature). */
  elementXpath: string;
  /** The attribute holding that element's id: `AssertionID` (SAML 1.1) or `ID`. */
  idAttribute: string;
  /** Where ds:Signature goes inside the element, as its schema orders it. */
  placement: 'first-child' | 'last-child';
}

/**
 * Signs one element of `xml` in place and returns the whole document.
 * @example
 * signEnveloped(xml, key, { elementXpath: "//*[local-name(.)='Assertion']",
 *   idAttribute: 'AssertionID', placement: 'last-child' });
 */
export function signEnveloped(
  xml: string,
  key: XmlSigningKey,
  options: EnvelopedSignatureOptions,
): string {
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
    idAttribute: options.idAttribute,
  });
  sig.addReference({
    xpath: options.elementXpath,
    transforms: [ENVELOPED, EXC_C14N],
    digestAlgorithm: SHA256,
  });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: {
      reference: options.elementXpath,
      action: options.placement === 'first-child' ? 'prepend' : 'append',
    },
  });
  return sig.getSignedXml();
}

/** The base64 DER body of a PEM certificate, as X509Certificate elements and Entra expect it. */
export function certificateBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}
