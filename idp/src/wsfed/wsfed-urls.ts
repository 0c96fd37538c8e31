/**
 * The tenant's WS-Federation addresses. The issuer URI is what tokens carry as Issuer and
 * what Entra ID's IssuerUri for the federated domain must equal; Entra requires it to be
 * unique, which the tenant path guarantees.
 */
export interface WsFedUrls {
  issuer: string;
  /** wsignin1.0 and wsignout1.0 (Entra's PassiveSignInUri and SignOutUri). */
  passiveEndpoint: string;
  metadata: string;
}

export function wsfedUrls(publicUrl: string, tenantSlug: string): WsFedUrls {
  const base = `${publicUrl.replace(/\/+$/, '')}/t/${tenantSlug}/wsfed`;
  return {
    issuer: base,
    passiveEndpoint: base,
    metadata: `${base}/FederationMetadata/2007-06/FederationMetadata.xml`,
  };
}
