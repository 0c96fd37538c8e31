/**
 * A mod_auth_mellon SAML SP (Debian's libapache2-mod-auth-mellon, lasso) in a private Apache.
 * - SP key and certificate generated per run; the SP metadata is written here (what
 *   `mellon_create_metadata` writes, plus the NameID format and the attributes it requests)
 *   and served by mellon at `/mellon/metadata`; the IdP is known from its metadata file.
 * - `MellonEndpointPath /mellon`: AuthnRequests go out by HTTP-Redirect, signed (RSA-SHA256);
 *   the Response comes back by HTTP-POST to `/mellon/postResponse`.
 * - Plain http on loopback: `MellonSecureCookie Off`.
 * - REMOTE_USER is the NameID (`MellonUser NAME_ID`), MELLON_IDP the IdP's entityID. Every
 *   other SAML attribute is exported as MELLON_<name> (Apache turns characters other than
 *   [A-Za-z0-9_] into `_` for CGI), except the names in `env`, exported under a short name
 *   instead (`MellonSetEnvNoPrefix`); multiple values are joined by `;`.
 * - The protected location (`/secure`) answers with the echo CGI.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, removeAtExit } from '@sekisho/platform/test-support';
import { ensureApache, startApache, type ApacheServer } from './apache.ts';
import { selfSignedKeyPair, type KeyPair } from './pki.ts';
import {
  DEFAULT_REQUESTED_ATTRIBUTES,
  NAMEID_EMAIL,
  attributeConsumingService,
  escapeXml,
  metadataEntityId,
  type RequestedAttribute,
} from './saml-peer.ts';

/** Short environment names for SAML attribute names (MellonSetEnvNoPrefix <env> <attr>). */
export const DEFAULT_MELLON_ENV: Readonly<Record<string, readonly string[]>> = {
  SAML_MAIL: [
    'urn:oid:0.9.2342.19200300.100.1.3',
    'mail',
    'email',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  ],
  SAML_DISPLAY_NAME: [
    'urn:oid:2.16.840.1.113730.3.1.241',
    'displayName',
    'name',
    'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  ],
};

export interface MellonSpOptions {
  idpMetadataXml: string;
  /** Default: `<origin>/mellon/metadata`, mellon's convention. */
  entityId?: string;
  nameIdFormat?: string;
  requestedAttributes?: readonly RequestedAttribute[];
  env?: Readonly<Record<string, readonly string[]>>;
  protectedPath?: string;
}

export interface MellonSp {
  origin: string;
  entityId: string;
  idpEntityId: string;
  protectedUrl: string;
  metadataUrl: string;
  acsUrl: string;
  dir: string;
  apache: ApacheServer;
  metadata(): Promise<string>;
  output(): string;
  stop(): Promise<void>;
}

export const MELLON_NEEDS = ['auth_mellon'] as const;

function spMetadata(o: {
  entityId: string;
  endpoint: string;
  key: KeyPair;
  nameIdFormat: string;
  requested: readonly RequestedAttribute[];
}): string {
  const keyInfo = `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${o.key.certBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;
  const e = (s: string) => escapeXml(s);
  return `<?xml version="1.0"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${e(o.entityId)}">
  <SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing">${keyInfo}</KeyDescriptor>
    <KeyDescriptor use="encryption">${keyInfo}</KeyDescriptor>
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${e(o.endpoint)}/logout"/>
    <NameIDFormat>${e(o.nameIdFormat)}</NameIDFormat>
    <AssertionConsumerService index="0" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${e(o.endpoint)}/postResponse"/>
    ${attributeConsumingService(o.requested, '')}
  </SPSSODescriptor>
</EntityDescriptor>
`;
}

export async function startMellonSp(options: MellonSpOptions): Promise<MellonSp> {
  await ensureApache(MELLON_NEEDS);
  const dir = await makeTempDir('sekisho-mellon-');
  const removeDir = removeAtExit(dir);
  const protectedPath = options.protectedPath ?? '/secure';
  const idpEntityId = metadataEntityId(options.idpMetadataXml);
  let entityId = options.entityId ?? '';
  try {
    const key = await selfSignedKeyPair(dir, 'sp', 'mellon-sp');
    await writeFile(join(dir, 'idp-metadata.xml'), options.idpMetadataXml);
    const env = Object.entries(options.env ?? DEFAULT_MELLON_ENV)
      .flatMap(([local, names]) =>
        names.map((n) => `  MellonSetEnvNoPrefix "${local}" "${n.replace(/"/g, '\\"')}"`),
      )
      .join('\n');
    const apache = await startApache({
      name: 'apache (mod_auth_mellon)',
      modules: MELLON_NEEDS,
      dir,
      async config(site) {
        entityId = options.entityId ?? `${site.origin}/mellon/metadata`;
        await writeFile(
          join(dir, 'sp-metadata.xml'),
          spMetadata({
            entityId,
            endpoint: `${site.origin}/mellon`,
            key,
            nameIdFormat: options.nameIdFormat ?? NAMEID_EMAIL,
            requested: options.requestedAttributes ?? DEFAULT_REQUESTED_ATTRIBUTES,
          }),
        );
        return `<Location />
  MellonEndpointPath /mellon
  MellonSPPrivateKeyFile "${key.keyPath}"
  MellonSPCertFile "${key.certPath}"
  MellonSPMetadataFile "${join(dir, 'sp-metadata.xml')}"
  MellonIdPMetadataFile "${join(dir, 'idp-metadata.xml')}"
  MellonSecureCookie Off
  MellonSignatureMethod rsa-sha256
  MellonMergeEnvVars On
  MellonUser NAME_ID
  MellonIdP IDP
${env}
</Location>
<Location ${protectedPath}>
  AuthType Mellon
  MellonEnable auth
  Require valid-user
</Location>
ScriptAlias ${protectedPath} "${site.echoCgi}"
`;
      },
    });
    const metadataUrl = `${apache.origin}/mellon/metadata`;
    return {
      origin: apache.origin,
      entityId,
      idpEntityId,
      protectedUrl: `${apache.origin}${protectedPath}`,
      metadataUrl,
      acsUrl: `${apache.origin}/mellon/postResponse`,
      dir,
      apache,
      async metadata() {
        const res = await fetch(metadataUrl);
        const body = await res.text();
        if (!res.ok)
          throw new Error(`GET ${metadataUrl}: ${res.status}\n${body}\n${apache.output()}`);
        return body;
      },
      output: () => apache.output(),
      async stop() {
        await apache.stop();
        removeDir();
      },
    };
  } catch (err) {
    removeDir();
    throw err;
  }
}
