/**
 * The tenant's active SAML signing key and its certificate (signing-keys.ts creates it on
 * first use; after a rotation the new key signs while metadata still lists the old one).
 */
import type { IdpServices } from '../services.ts';
import type { SigningMaterial } from './build-response.ts';

export async function tenantSigningKey(
  services: IdpServices,
  tenantId: string,
): Promise<SigningMaterial> {
  const key = await services.keys.active(tenantId, 'saml');
  if (!key.certificatePem) throw new Error('the SAML signing key has no certificate');
  return { privateKeyPem: key.privateKeyPem, certificatePem: key.certificatePem };
}
