/**
 * Builds X.509 certificates with node-forge (the CA's own and the devices'). Keys are made by
 * Node's crypto (RSA-2048: node-forge signs with RSA only, and every keychain and MDM takes it).
 *
 * - CA: basicConstraints CA:true pathlen:0 (critical), keyUsage keyCertSign + cRLSign.
 * - Device: CA:false, keyUsage digitalSignature (+ keyEncipherment for RSA TLS 1.2 key
 *   exchange), extendedKeyUsage clientAuth, SAN email, authority key id of the CA.
 * - Serial: a counter (unique per tenant) followed by 64 random bits, positive, no leading zero.
 */
import { generateKeyPair as generateKeyPairCb, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateKeyPair = promisify(generateKeyPairCb);

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export async function newRsaKeyPair(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** `40` + 7-byte counter + 8 random bytes, upper-case hex. */
export function serialFor(counter: number): string {
  const hex = '40' + counter.toString(16).padStart(14, '0') + randomBytes(8).toString('hex');
  return hex.toUpperCase();
}

export function buildCaCertificate(keys: KeyPairPem, cn: string, now: Date): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialFor(0);
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60_000);
  cert.validity.notAfter = new Date(now.getTime() + 20 * 365 * 86_400_000);
  const name = [
    { name: 'commonName', value: cn },
    { name: 'organizationName', value: 'Sekisho' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export interface DeviceCertificateSpec {
  publicKeyPem: string;
  serial: string;
  commonName: string;
  email: string;
  notBefore: Date;
  notAfter: Date;
}

export function buildDeviceCertificate(
  spec: DeviceCertificateSpec,
  ca: { certificatePem: string; privateKeyPem: string },
): string {
  const caCert = forge.pki.certificateFromPem(ca.certificatePem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = spec.serial;
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  cert.setSubject([
    { name: 'commonName', value: spec.commonName },
    { name: 'organizationName', value: 'Sekisho' },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 1, value: spec.email }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyId(caCert) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function caKeyId(caCert: forge.pki.Certificate): string {
  const ski = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string };
  return ski.subjectKeyIdentifier
    ? forge.util.hexToBytes(ski.subjectKeyIdentifier)
    : caCert.generateSubjectKeyIdentifier().getBytes();
}
