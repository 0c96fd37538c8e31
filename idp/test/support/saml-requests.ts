/**
 * Hand-made AuthnRequests for the negative cases node-saml will not produce (a DTD, another
 * IdP's Destination, a stale IssueInstant, SHA-1...). Signatures are made here with
 * node:crypto (HTTP-Redirect) and xml-crypto (HTTP-POST), independently of Sekisho's signer.
 */
import { randomBytes, sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { SSO, type KeyPair } from './saml-sp.ts';

export interface RequestOptions {
  issuer: string;
  id?: string;
  issueInstant?: Date | string;
  destination?: string | null;
  acsUrl?: string | null;
  acsIndex?: number;
  version?: string;
  protocolBinding?: string;
  forceAuthn?: boolean;
  isPassive?: boolean;
  nameIdFormat?: string;
  /** Raw text put before the root element (a DOCTYPE, for instance). */
  prolog?: string;
}

export const newId = () => `_${randomBytes(16).toString('hex')}`;

export function authnRequestXml(o: RequestOptions): string {
  const at =
    o.issueInstant instanceof Date || o.issueInstant === undefined
      ? (o.issueInstant ?? new Date()).toISOString()
      : o.issueInstant;
  const attrs = [
    `ID="${o.id ?? newId()}"`,
    `Version="${o.version ?? '2.0'}"`,
    `IssueInstant="${at}"`,
    o.destination === null ? '' : `Destination="${o.destination ?? SSO}"`,
    o.acsUrl === null || o.acsIndex !== undefined
      ? ''
      : `AssertionConsumerServiceURL="${o.acsUrl ?? `${o.issuer}/acs`}"`,
    o.acsIndex === undefined ? '' : `AssertionConsumerServiceIndex="${o.acsIndex}"`,
    `ProtocolBinding="${o.protocolBinding ?? 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'}"`,
    o.forceAuthn ? 'ForceAuthn="true"' : '',
    o.isPassive ? 'IsPassive="true"' : '',
  ].filter(Boolean);
  const policy = o.nameIdFormat
    ? `<samlp:NameIDPolicy Format="${o.nameIdFormat}" AllowCreate="true"/>`
    : '';
  return (
    (o.prolog ?? '') +
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ${attrs.join(' ')}>` +
    `<saml:Issuer>${o.issuer}</saml:Issuer>${policy}</samlp:AuthnRequest>`
  );
}

const SIG_ALG = {
  sha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
} as const;

/** `/t/acme/saml/sso?SAMLRequest=…[&RelayState=…][&SigAlg=…&Signature=…]` */
export function redirectPath(
  xml: string,
  options: {
    relayState?: string;
    key?: KeyPair;
    hash?: 'sha256' | 'sha1';
    raw?: Buffer;
    path?: string;
  } = {},
): string {
  const deflated = options.raw ?? deflateRawSync(Buffer.from(xml));
  let query = `SAMLRequest=${encodeURIComponent(deflated.toString('base64'))}`;
  if (options.relayState !== undefined)
    query += `&RelayState=${encodeURIComponent(options.relayState)}`;
  if (options.key) {
    const hash = options.hash ?? 'sha256';
    query += `&SigAlg=${encodeURIComponent(SIG_ALG[hash])}`;
    const signature = sign(hash, Buffer.from(query), options.key.privateKeyPem).toString('base64');
    query += `&Signature=${encodeURIComponent(signature)}`;
  }
  return `${options.path ?? '/t/acme/saml/sso'}?${query}`;
}

/** An enveloped signature after Issuer, as SAML POST binding senders make it. */
export function signPostXml(xml: string, key: KeyPair, hash: 'sha256' | 'sha1' = 'sha256'): string {
  const id = /ID="([^"]+)"/.exec(xml)![1]!;
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: SIG_ALG[hash],
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `//*[@ID='${id}']`,
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
    digestAlgorithm:
      hash === 'sha1'
        ? 'http://www.w3.org/2000/09/xmldsig#sha1'
        : 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: "/*/*[local-name(.)='Issuer']", action: 'after' },
  });
  return sig.getSignedXml();
}

export const base64 = (xml: string) => Buffer.from(xml).toString('base64');
