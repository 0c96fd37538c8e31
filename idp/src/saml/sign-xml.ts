/**
 * Enveloped XML signatures made by xml-crypto, never by hand: RSA-SHA256 over a SHA-256
 * digest, exclusive canonicalization (the transforms SAML core §5.4.3-4 and Entra require),
 * the certificate in KeyInfo/X509Data. The caller says which element to sign (by its ID
 * attribute) and where the Signature goes, because schemas fix its place: in a SAML
 * Response, Assertion, AuthnRequest or LogoutRequest/Response it comes right after Issuer.
 *
 * @example
 * signXml(assertionXml, {
 *   privateKeyPem, certificatePem,
 *   referenceId: assertionId,
 *   after: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
 * });
 */
import { SignedXml } from 'xml-crypto';
import { ALG } from './saml-constants.ts';

export interface SignXmlOptions {
  privateKeyPem: string;
  certificatePem: string;
  /** Value of the ID attribute of the element to sign (the Reference URI is `#<id>`). */
  referenceId: string;
  /** XPath of the element the Signature is inserted after. */
  after: string;
  /** Name of the ID attribute; `ID` for SAML 2.0, `AssertionID` for SAML 1.1 (WS-Federation). */
  idAttribute?: string;
  signatureAlgorithm?: typeof ALG.rsaSha256 | typeof ALG.rsaSha512;
}

/** Returns `xml` with an enveloped `ds:Signature` over the element whose ID is `referenceId`. */
export function signXml(xml: string, options: SignXmlOptions): string {
  const idAttribute = options.idAttribute ?? 'ID';
  if (!/^[A-Za-z_][\w.-]*$/.test(options.referenceId))
    throw new TypeError('referenceId must be an XML NCName');
  const sig = new SignedXml({
    privateKey: options.privateKeyPem,
    publicCert: options.certificatePem,
    signatureAlgorithm: options.signatureAlgorithm ?? ALG.rsaSha256,
    canonicalizationAlgorithm: ALG.excC14n,
    idAttribute,
  });
  sig.addReference({
    xpath: `//*[@${idAttribute}='${options.referenceId}']`,
    transforms: [ALG.enveloped, ALG.excC14n],
    digestAlgorithm: options.signatureAlgorithm === ALG.rsaSha512 ? ALG.sha512 : ALG.sha256,
  });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: options.after, action: 'after' },
  });
  return sig.getSignedXml();
}
