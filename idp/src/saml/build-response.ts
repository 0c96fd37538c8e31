/**
 * Builds a samlp:Response (SAML core §3.3.3 / §3.2.2): Destination = the ACS, InResponseTo
 * for a solicited Response, the IdP as Issuer, the Status, and the assertion — signed,
 * encrypted and the Response signed as the SP is configured. Order matters: the assertion is
 * signed before it is encrypted (the SP verifies after decrypting), and the Response
 * signature covers the EncryptedAssertion. A Response without an assertion (an error
 * status) is always signed. Signatures go right after Issuer, as the schema requires.
 *
 * @example
 * const xml = await buildSamlResponse({
 *   issuer, destination: acsUrl, inResponseTo, now,
 *   status: { top: STATUS.success },
 *   assertion: buildAssertion({...}), key, signAssertion: true, signResponse: true,
 * });
 */
import { escapeXml as x } from './escape-xml.ts';
import { encryptAssertion } from './encrypt-assertion.ts';
import { NS } from './saml-constants.ts';
import type { SamlStatus } from './saml-error.ts';
import { signXml } from './sign-xml.ts';
import { newSamlId, samlInstant } from './build-assertion.ts';

export interface SigningMaterial {
  privateKeyPem: string;
  certificatePem: string;
}

export interface ResponseInput {
  issuer: string;
  destination: string;
  inResponseTo?: string | undefined;
  now: Date;
  status: SamlStatus & { message?: string | undefined };
  assertion?: { id: string; xml: string } | undefined;
  key: SigningMaterial;
  signAssertion?: boolean;
  signResponse?: boolean;
  encryption?: { certificatePem: string; algorithm: 'aes256-gcm' | 'aes256-cbc' } | undefined;
}

export function statusXml(status: ResponseInput['status']): string {
  const inner = status.second ? `<samlp:StatusCode Value="${x(status.second)}"/>` : '';
  const message = status.message
    ? `<samlp:StatusMessage>${x(status.message)}</samlp:StatusMessage>`
    : '';
  return `<samlp:Status><samlp:StatusCode Value="${x(status.top)}">${inner}</samlp:StatusCode>${message}</samlp:Status>`;
}

async function assertionPart(input: ResponseInput): Promise<string> {
  const { assertion } = input;
  if (!assertion) return '';
  const signed = input.signAssertion
    ? signXml(assertion.xml, {
        ...input.key,
        referenceId: assertion.id,
        after: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
      })
    : assertion.xml;
  return input.encryption
    ? encryptAssertion(signed, input.encryption.certificatePem, input.encryption.algorithm)
    : signed;
}

export async function buildSamlResponse(input: ResponseInput): Promise<string> {
  const id = newSamlId();
  const inResponseTo = input.inResponseTo ? ` InResponseTo="${x(input.inResponseTo)}"` : '';
  const xml =
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${id}" Version="2.0" ` +
    `IssueInstant="${samlInstant(input.now)}" Destination="${x(input.destination)}"${inResponseTo}>` +
    `<saml:Issuer>${x(input.issuer)}</saml:Issuer>` +
    statusXml(input.status) +
    (await assertionPart(input)) +
    `</samlp:Response>`;
  if (input.assertion && !input.signResponse) return xml;
  return signXml(xml, {
    ...input.key,
    referenceId: id,
    after: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']",
  });
}
