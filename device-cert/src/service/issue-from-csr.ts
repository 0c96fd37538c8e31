/**
 * Issues a certificate for a key the device (or its MDM) keeps, from a PKCS#10 request
 * (RFC 2986) in one PEM "CERTIFICATE REQUEST" (or certreq's "NEW CERTIFICATE REQUEST") block:
 * - its key must be RSA of 2048 bits or more, EC P-256 or EC P-384 (`device-key.ts`): hardware
 *   keys (Secure Enclave, TPM) are mostly EC;
 * - its signature must verify with that key (proof of possession, RFC 2986 §3);
 * - only its public key is used: the subject and extensions it asks for are ignored, ours are
 *   set as for any device certificate (`build-certificate.ts`).
 * A refusal is a `ValidationError` on `csrPem` naming the problem, and nothing is issued.
 * Parsing and the signature check are @peculiar/x509's; the key is read by Node's crypto.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its parts with tsyringe, which needs it
import { createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { PemConverter, Pkcs10CertificateRequest } from '@peculiar/x509';
import { ValidationError } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { ACCEPTED_DEVICE_KEYS, describeKey, deviceKeyKind } from './device-key.ts';
import { checkIssueInput, type IssueInput } from './issue-input.ts';
import { issueForKey } from './issue.ts';
import type { DeviceCertificate } from './records.ts';

export interface IssueFromCsrInput extends IssueInput {
  csrPem: string;
}

const refused = (message: string) => new ValidationError([{ field: 'csrPem', message }]);

function decode(csrPem: string): Pkcs10CertificateRequest {
  let csr: Pkcs10CertificateRequest | undefined;
  try {
    const blocks = PemConverter.decodeWithHeaders(csrPem);
    // Windows' certreq writes the older label "NEW CERTIFICATE REQUEST" (RFC 7468 §7).
    const [block] = blocks;
    const labels = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'];
    if (blocks.length === 1 && block && labels.includes(block.type)) {
      csr = new Pkcs10CertificateRequest(block.rawData);
    }
  } catch {
    // not PEM, or not a PKCS#10 request: refused below
  }
  if (!csr) throw refused('must be one PEM "CERTIFICATE REQUEST" block (PKCS#10)');
  return csr;
}

function acceptedKey(csr: Pkcs10CertificateRequest): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    throw refused(`has a public key that cannot be read; accepted: ${ACCEPTED_DEVICE_KEYS}`);
  }
  // Node reads a P-256 key given with explicit curve parameters as P-256, but a certificate
  // must name its curve (RFC 5480 §2.1.1), and @peculiar/x509 sees only named curves.
  const kind = deviceKeyKind(key);
  const named = kind !== 'ec' || 'namedCurve' in csr.publicKey.algorithm;
  if (!kind || !named) {
    const what = named ? describeKey(key) : 'EC with explicit curve parameters';
    throw refused(`has a key that is not accepted (${what}); accepted: ${ACCEPTED_DEVICE_KEYS}`);
  }
  return key;
}

/** The CSR's public key (SPKI PEM), once the key is accepted and the signature verifies. */
async function publicKeyOfCsr(csrPem: string): Promise<string> {
  const csr = decode(csrPem);
  const key = acceptedKey(csr);
  const verified = await csr.verify(webcrypto).catch(() => false);
  if (!verified) throw refused('has a signature that does not verify with its public key');
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

export async function issueFromCsr(
  deps: DeviceCertDeps,
  tenantId: string,
  input: IssueFromCsrInput,
): Promise<DeviceCertificate> {
  checkIssueInput(input);
  const publicKeyPem = await publicKeyOfCsr(input.csrPem);
  return issueForKey(deps, tenantId, input, publicKeyPem, undefined);
}
