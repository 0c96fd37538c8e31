/**
 * What the admin runs on the Microsoft side: Entra ID does not read IdP metadata, so the
 * domain's federation is created by hand with Microsoft Graph PowerShell
 * (https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/how-to-connect-fed-saml-idp,
 * "Configuring a domain in your Microsoft Entra Directory for federation";
 * parameters: https://learn.microsoft.com/en-us/powershell/module/microsoft.graph.identity.directorymanagement/new-mgdomainfederationconfiguration).
 * - Creating the federation configuration converts the domain to Federated; no
 *   `Update-MgDomain -AuthenticationType Federated` step exists (the Graph API refuses that
 *   change: https://github.com/microsoftgraph/microsoft-graph-docs/issues/5401). Going back is
 *   `Update-MgDomain -AuthenticationType Managed`
 *   (https://learn.microsoft.com/en-us/entra/identity/hybrid/connect/migrate-from-federation-to-cloud-authentication).
 * - `acceptIfMfaDoneByFederatedIdp` lets Entra accept MFA done here
 *   (https://learn.microsoft.com/en-us/graph/api/domain-post-federationconfiguration).
 * - The signing certificate is base64 DER; the next one (rotation) goes in NextSigningCertificate.
 * Values are single-quoted (PowerShell takes them literally) after validation.
 */
import { certificateBase64 } from '../wsfed/xml-sign.ts';
import type { TenantUrls } from './tenant-urls.ts';
import { parseMicrosoft365Input } from './microsoft-365.ts';

export type MicrosoftProtocol = 'saml' | 'wsFed';

export interface MicrosoftSettingsInput {
  urls: TenantUrls;
  /** The tenant's published SAML/WS-Fed certificates (PEM), the active one first. */
  certificates: readonly string[];
  /** The preset input (`{ domain, ... }`). */
  input: unknown;
  protocol: MicrosoftProtocol;
}

export interface MicrosoftSettings {
  domain: string;
  issuerUri: string;
  passiveSignInUri: string;
  signOutUri: string;
  signingCertificate: string;
  nextSigningCertificate?: string;
  preferredAuthenticationProtocol: MicrosoftProtocol;
  federatedIdpMfaBehavior: 'acceptIfMfaDoneByFederatedIdp';
  /** Connect-MgGraph + New-MgDomainFederationConfiguration, ready to paste. */
  powershell: string;
  /** Shows the result: the domain's AuthenticationType becomes Federated. */
  verifyPowershell: string;
  /** Turns federation off again (users then need cloud passwords). */
  rollbackPowershell: string;
  warnings: string[];
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

export function microsoftSettings(options: MicrosoftSettingsInput): MicrosoftSettings {
  const { urls, protocol } = options;
  const { domain } = parseMicrosoft365Input(options.input);
  const [active, next] = options.certificates.map(certificateBase64);
  const saml = protocol === 'saml';
  const values = {
    DomainId: domain,
    DisplayName: 'Sekisho',
    IssuerUri: saml ? urls.samlEntityId : urls.wsfedIssuer,
    PassiveSignInUri: saml ? urls.samlSsoUrl : urls.wsfedPassiveEndpoint,
    SignOutUri: saml ? urls.samlSloUrl : urls.wsfedPassiveEndpoint,
    SigningCertificate: active ?? '',
    ...(next && { NextSigningCertificate: next }),
    PreferredAuthenticationProtocol: protocol,
    FederatedIdpMfaBehavior: 'acceptIfMfaDoneByFederatedIdp' as const,
  };
  const params = Object.entries(values).map(([k, v]) => `  -${k} ${quote(v)}`);
  const powershell = [
    "Connect-MgGraph -Scopes 'Domain.ReadWrite.All', 'Directory.AccessAsUser.All'",
    'New-MgDomainFederationConfiguration `',
    params.join(' `\n'),
  ].join('\n');
  const warnings = [
    'The default *.onmicrosoft.com domain cannot be federated; keep it as a cloud-only sign-in for your Microsoft administrators.',
    'A default domain must stay Managed: if this domain is the default, make another domain the default first.',
    'Users must already exist in Entra ID with the same UPN and with onPremisesImmutableId equal to the ImmutableID attribute here.',
    'The domain may be unavailable for sign-in for up to 2 hours after the change.',
  ];
  if (!urls.publicUrl.startsWith('https://'))
    warnings.unshift('Entra ID requires https: set PUBLIC_URL to an https address first.');
  return {
    domain,
    issuerUri: values.IssuerUri,
    passiveSignInUri: values.PassiveSignInUri,
    signOutUri: values.SignOutUri,
    signingCertificate: values.SigningCertificate,
    ...(next && { nextSigningCertificate: next }),
    preferredAuthenticationProtocol: protocol,
    federatedIdpMfaBehavior: values.FederatedIdpMfaBehavior,
    powershell,
    verifyPowershell: `Get-MgDomain -DomainId ${quote(domain)} | Select-Object Id, AuthenticationType\nGet-MgDomainFederationConfiguration -DomainId ${quote(domain)} | Format-List`,
    rollbackPowershell: `Update-MgDomain -DomainId ${quote(domain)} -AuthenticationType 'Managed'`,
    warnings,
  };
}
