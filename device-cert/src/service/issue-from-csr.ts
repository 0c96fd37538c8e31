/**
 * Issues a certificate for a key the device (or its MDM) keeps: the CSR's signature must
 * verify (proof of possession, PKCS#10 §3); only its public key is used — the subject and
 * extensions it asks for are ignored, ours are set as for any device certificate.
 * node-forge reads RSA CSRs only; an EC CSR is refused as invalid.
 */
import forge from 'node-forge';
import { ValidationError } from '@sekisho/platform';
import type { DeviceCertDeps } from './deps.ts';
import { checkIssueInput, type IssueInput } from './issue-input.ts';
import { issueForKey } from './issue.ts';
import type { DeviceCertificate } from './records.ts';

export interface IssueFromCsrInput extends IssueInput {
  csrPem: string;
}

function publicKeyOfCsr(csrPem: string): string {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
  } catch {
    throw new ValidationError([
      { field: 'csrPem', message: 'must be a PEM PKCS#10 request with an RSA key' },
    ]);
  }
  let verified: boolean;
  try {
    verified = csr.verify();
  } catch {
    verified = false;
  }
  if (!verified || !csr.publicKey) {
    throw new ValidationError([{ field: 'csrPem', message: 'signature does not verify' }]);
  }
  return forge.pki.publicKeyToPem(csr.publicKey as forge.pki.rsa.PublicKey);
}

export async function issueFromCsr(
  deps: DeviceCertDeps,
  tenantId: string,
  input: IssueFromCsrInput,
): Promise<DeviceCertificate> {
  checkIssueInput(input);
  const publicKeyPem = publicKeyOfCsr(input.csrPem);
  return issueForKey(deps, tenantId, input, publicKeyPem, undefined);
}
