/**
 * Builds X.509 certificates: the tenant CA's own with node-forge, the devices' with
 * @peculiar/x509 (node-forge cannot put an EC public key in a certificate). Every key here is
 * made by Node's crypto or comes from a CSR (`issue-from-csr.ts`); the CA and server-generated
 * device keys are RSA-2048 (every keychain and MDM takes it), and the CA signs with
 * sha256WithRSAEncryption.
 *
 * - CA: basicConstraints CA:true pathlen:0 (critical), keyUsage keyCertSign + cRLSign.
 * - Device: CA:false (critical), keyUsage (critical) as the key allows (`device-key.ts`):
 *   digitalSignature, + keyEncipherment for RSA (TLS 1.2 RSA key exchange); extendedKeyUsage
 *   clientAuth, SAN email, subject key id (SHA-1 of the key, RFC 5280 §4.2.1.2 method 1),
 *   authority key id of the CA; the issuer is the CA's subject, byte for byte.
 * - Serial: a counter (unique per tenant) followed by 64 random bits, positive, no leading zero.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its parts with tsyringe, which needs it
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateKeyPairCb,
  randomBytes,
  webcrypto,
} from 'node:crypto';
import { promisify } from 'node:util';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PublicKey,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';
import forge from 'node-forge';
import { SekishoError } from '@sekisho/platform';
import { deviceKeyKind, describeKey, type DeviceKeyKind } from './device-key.ts';

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
  /** SPKI PEM of an RSA, EC P-256 or EC P-384 key (`device-key.ts`). */
  publicKeyPem: string;
  serial: string;
  commonName: string;
  email: string;
  notBefore: Date;
  notAfter: Date;
}

const KEY_USAGE: Record<DeviceKeyKind, KeyUsageFlags> = {
  rsa: KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment,
  ec: KeyUsageFlags.digitalSignature,
};

const hex = (bytes: ArrayBuffer) => Buffer.from(bytes).toString('hex');

export async function buildDeviceCertificate(
  spec: DeviceCertificateSpec,
  ca: { certificatePem: string; privateKeyPem: string },
): Promise<string> {
  const key = createPublicKey(spec.publicKeyPem);
  const kind = deviceKeyKind(key);
  if (!kind) {
    throw new SekishoError('ERR_INTERNAL', `no certificate for a ${describeKey(key)} key`);
  }
  const caCert = new X509Certificate(ca.certificatePem);
  const publicKey = new PublicKey(key.export({ type: 'spki', format: 'der' }));
  const caKeyId =
    caCert.getExtension(SubjectKeyIdentifierExtension)?.keyId ??
    hex(await caCert.publicKey.getKeyIdentifier(webcrypto));
  const signingKey = await createPrivateKey(ca.privateKeyPem).toCryptoKey(
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const cert = await X509CertificateGenerator.create(
    {
      serialNumber: spec.serial,
      subject: [{ CN: [spec.commonName] }, { O: ['Sekisho'] }],
      issuer: caCert.subjectName,
      notBefore: spec.notBefore,
      notAfter: spec.notAfter,
      publicKey,
      signingKey,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KEY_USAGE[kind], true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.clientAuth]),
        new SubjectAlternativeNameExtension([{ type: 'email', value: spec.email }]),
        new SubjectKeyIdentifierExtension(hex(await publicKey.getKeyIdentifier(webcrypto))),
        new AuthorityKeyIdentifierExtension(caKeyId),
      ],
    },
    webcrypto,
  );
  return cert.toString('pem');
}
