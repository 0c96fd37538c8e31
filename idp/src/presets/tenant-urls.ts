/**
 * The IdP addresses of one tenant that an administrator copies into a vendor's console, as
 * the SAML and WS-Federation modules define them.
 */
import { idpEndpoints } from '../saml/idp-endpoints.ts';
import { wsfedUrls } from '../wsfed/wsfed-urls.ts';

export interface TenantUrls {
  publicUrl: string;
  samlEntityId: string;
  /** Receives AuthnRequests (HTTP-Redirect and HTTP-POST). */
  samlSsoUrl: string;
  /** Receives LogoutRequests. */
  samlSloUrl: string;
  wsfedIssuer: string;
  wsfedPassiveEndpoint: string;
  /** A plain GET that ends the IdP session (WS-Federation wsignout1.0). */
  signOutUrl: string;
  /** Sekisho's own change-password page. */
  passwordChangeUrl: string;
  loginUrl: string;
}

/**
 * @example
 * tenantUrls('https://id.example.com', 'acme').samlSsoUrl // 'https://id.example.com/t/acme/saml/sso'
 */
export function tenantUrls(publicUrl: string, tenantSlug: string): TenantUrls {
  const root = publicUrl.replace(/\/+$/, '');
  const base = `${root}/t/${tenantSlug}`;
  const saml = idpEndpoints(root, tenantSlug);
  const wsfed = wsfedUrls(root, tenantSlug);
  return {
    publicUrl: root,
    samlEntityId: saml.entityId,
    samlSsoUrl: saml.sso,
    samlSloUrl: saml.slo,
    wsfedIssuer: wsfed.issuer,
    wsfedPassiveEndpoint: wsfed.passiveEndpoint,
    signOutUrl: `${wsfed.passiveEndpoint}?wa=wsignout1.0`,
    passwordChangeUrl: `${base}/password/change`,
    loginUrl: `${base}/login`,
  };
}
