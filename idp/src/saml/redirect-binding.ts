/**
 * Detached signatures of the HTTP-Redirect binding (SAML bindings §3.4.4.1): the signer signs
 * `SAMLRequest=…&RelayState=…&SigAlg=…` (URL-encoded values, RelayState only when present)
 * and sends SigAlg and Signature as query parameters. Signing and verifying are node:crypto
 * calls over those octets; the algorithm is checked first (SHA-1 only when allowed).
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { ALG } from './saml-constants.ts';
import { SamlError } from './saml-error.ts';
import { checkSignatureAlgorithm } from './verify-xml-signature.ts';
import type { InboundMessage, MessageParam } from './inbound-message.ts';

const HASH: Record<string, string> = {
  [ALG.rsaSha256]: 'sha256',
  [ALG.rsaSha512]: 'sha512',
  [ALG.rsaSha1]: 'sha1',
};

/** Verifies the detached signature with one of the SP's certificates; throws SamlError. */
export function verifyRedirectSignature(
  detached: NonNullable<InboundMessage['detached']>,
  certificates: readonly string[],
  allowSha1: boolean,
): void {
  checkSignatureAlgorithm(detached.sigAlg, allowSha1);
  const signature = Buffer.from(detached.signature, 'base64');
  const data = Buffer.from(detached.signedText, 'utf8');
  const ok = certificates.some((pem) => {
    try {
      return verify(HASH[detached.sigAlg]!, data, createPublicKey(pem), signature);
    } catch {
      return false;
    }
  });
  if (!ok) throw new SamlError('ERR_SAML_SIGNATURE_INVALID', 'the signature does not verify');
}

/** The URL that sends `xml` to `endpoint` by HTTP-Redirect, signed with RSA-SHA256. */
export function redirectUrl(
  endpoint: string,
  param: MessageParam,
  xml: string,
  relayState: string | undefined,
  privateKeyPem: string,
): string {
  const encoded = encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'));
  const signedText =
    `${param}=${encoded}` +
    (relayState === undefined ? '' : `&RelayState=${encodeURIComponent(relayState)}`) +
    `&SigAlg=${encodeURIComponent(ALG.rsaSha256)}`;
  const signature = sign('sha256', Buffer.from(signedText, 'utf8'), privateKeyPem);
  const separator = endpoint.includes('?') ? '&' : '?';
  return `${endpoint}${separator}${signedText}&Signature=${encodeURIComponent(signature.toString('base64'))}`;
}
