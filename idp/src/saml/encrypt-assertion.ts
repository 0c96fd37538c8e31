/**
 * Encrypts a (signed) assertion for the SP with xml-encryption (XML Encryption 1.1): a fresh
 * AES-256 key encrypts the assertion — GCM by default, CBC only for SPs configured so, since
 * CBC without integrity is open to padding-oracle attacks — and RSA-OAEP wraps that key
 * under the SP's encryption certificate. Result: saml:EncryptedAssertion (SAML core §2.3.4).
 */
import { promisify } from 'node:util';
import xmlenc from 'xml-encryption';
import { NS } from './saml-constants.ts';

const ALGORITHM = {
  'aes256-gcm': 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'aes256-cbc': 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
} as const;

const encrypt = promisify(xmlenc.encrypt) as (
  content: string,
  options: xmlenc.EncryptOptions,
) => Promise<string>;

export async function encryptAssertion(
  assertionXml: string,
  certificatePem: string,
  algorithm: keyof typeof ALGORITHM,
): Promise<string> {
  const encrypted = await encrypt(assertionXml, {
    rsa_pub: certificatePem,
    pem: certificatePem,
    encryptionAlgorithm: ALGORITHM[algorithm],
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
    // xml-encryption refuses CBC unless told; the SP's config chose it knowingly.
    disallowEncryptionWithInsecureAlgorithm: algorithm !== 'aes256-cbc',
    warnInsecureAlgorithm: false,
  });
  return `<saml:EncryptedAssertion xmlns:saml="${NS.assertion}">${encrypted.trim()}</saml:EncryptedAssertion>`;
}
