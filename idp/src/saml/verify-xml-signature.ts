/**
 * Checks the enveloped signature of an inbound HTTP-POST message (AuthnRequest,
 * LogoutRequest, LogoutResponse) with xml-crypto against the SP's registered certificates —
 * never a certificate the message brings in its own KeyInfo.
 *
 * Rules (SAML core §5.4, and the signature-wrapping defences of "On Breaking SAML", 2012):
 * - at most one ds:Signature in the document, and it is a direct child of the root;
 * - exactly one Reference, whose URI is `#` + the root's ID (xml-crypto also refuses a
 *   document in which that ID appears twice);
 * - RSA-SHA256/512 with SHA-256/512 digests; SHA-1 only for an SP configured with allowSha1;
 * - what the caller reads afterwards is the canonical XML xml-crypto verified, not the
 *   original DOM, so nothing unsigned can be slipped in beside the signed content.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { ALG, NS } from './saml-constants.ts';
import { SamlError } from './saml-error.ts';

const SIGNATURE_ALGS = new Set<string>([ALG.rsaSha256, ALG.rsaSha512]);
const DIGEST_ALGS = new Set<string>([ALG.sha256, ALG.sha512]);

/** The root's enveloped Signature, or undefined when the message is unsigned. */
export function findEnvelopedSignature(doc: Document): Element | undefined {
  const root = doc.documentElement!;
  const signatures = Array.from(doc.getElementsByTagNameNS(NS.dsig, 'Signature'));
  if (!signatures.length) return undefined;
  const [signature] = signatures;
  if (signatures.length > 1 || signature!.parentNode !== root)
    throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'the signature is not where it belongs');
  return signature;
}

function algorithmOf(parent: Element, name: string): string[] {
  return Array.from(parent.getElementsByTagNameNS(NS.dsig, name)).map(
    (e) => e.getAttribute('Algorithm') ?? '',
  );
}

/** Refuses weak or unknown algorithms before any verification (SHA-1 only when allowed). */
export function checkSignatureAlgorithm(signatureAlg: string, allowSha1: boolean): void {
  if (signatureAlg === ALG.rsaSha1) {
    if (allowSha1) return;
    throw new SamlError('ERR_SAML_WEAK_ALGORITHM', 'RSA-SHA1 signatures are not accepted');
  }
  if (!SIGNATURE_ALGS.has(signatureAlg))
    throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'unsupported signature algorithm', {
      detail: signatureAlg,
    });
}

/**
 * Verifies `signature` (from {@link findEnvelopedSignature}) with one of `certificates`;
 * returns the signed root element as canonical XML.
 */
export function verifyEnvelopedSignature(
  xml: string,
  signature: Element,
  certificates: readonly string[],
  allowSha1: boolean,
): string {
  const root = signature.parentNode as Element;
  const id = root.getAttribute('ID');
  const references = Array.from(signature.getElementsByTagNameNS(NS.dsig, 'Reference'));
  if (!id || references.length !== 1 || references[0]!.getAttribute('URI') !== `#${id}`)
    throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'the signature does not cover the message');
  const [signatureAlg = ''] = algorithmOf(signature, 'SignatureMethod');
  checkSignatureAlgorithm(signatureAlg, allowSha1);
  for (const digest of algorithmOf(signature, 'DigestMethod')) {
    if (digest === ALG.sha1 && !allowSha1)
      throw new SamlError('ERR_SAML_WEAK_ALGORITHM', 'SHA-1 digests are not accepted');
    if (digest !== ALG.sha1 && !DIGEST_ALGS.has(digest))
      throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'unsupported digest algorithm');
  }
  for (const publicCert of certificates) {
    const verifier = new SignedXml({ publicCert });
    // xmldom's Element is what xml-crypto parses with, typed as the DOM lib's Node there.
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
    let valid: boolean;
    try {
      valid = verifier.checkSignature(xml);
    } catch {
      valid = false;
    }
    const [signed] = verifier.getSignedReferences();
    if (valid && signed) return signed;
  }
  throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'the signature does not verify');
}
