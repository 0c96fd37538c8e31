/**
 * The IdP's own URLs for a tenant. The entityID is the metadata URL,
 * `{PUBLIC_URL}/t/{tenant}/saml/metadata` (a stable contract in DESIGN.md): it is a URL the
 * admin can open, unique per tenant, and it never changes with keys or SPs. Changing
 * PUBLIC_URL changes it, and every SP must then be told the new issuer.
 */
export interface IdpEndpoints {
  entityId: string;
  metadata: string;
  sso: string;
  slo: string;
}

export function idpEndpoints(publicUrl: string, tenantSlug: string): IdpEndpoints {
  const base = `${publicUrl}/t/${tenantSlug}/saml`;
  return {
    entityId: `${base}/metadata`,
    metadata: `${base}/metadata`,
    sso: `${base}/sso`,
    slo: `${base}/slo`,
  };
}
