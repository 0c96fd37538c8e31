/**
 * The NameID an SP receives (SAML core §8.3), per its configuration:
 * - transient: a fresh random value per assertion, never reused;
 * - persistent from `userId`: HMAC-SHA256(key, tenant, SP entityID, user id) in hex —
 *   stable for one user at one SP, different at every other SP (no correlation across
 *   SPs), 64 alphanumeric characters (what Entra accepts); the key is derived from the
 *   master key, so rotating the master key changes these identifiers;
 * - persistent from `attr:<name>` (Entra's ImmutableID), emailAddress, unspecified: the
 *   user's value as stored. A user without that value gets no assertion.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { User } from '@sekisho/platform';
import { userValues } from './attribute-mapping.ts';
import { NAMEID_FORMAT } from './saml-constants.ts';
import { SamlError } from './saml-error.ts';
import type { SamlSpConfig } from './sp-config.ts';

export interface NameIdValue {
  value: string;
  format: string;
}

export function resolveNameId(
  user: User,
  sp: Pick<SamlSpConfig, 'entityId' | 'nameIdFormat' | 'nameIdSource'>,
  pairwiseKey: Buffer,
): NameIdValue {
  const format = NAMEID_FORMAT[sp.nameIdFormat];
  if (sp.nameIdFormat === 'transient')
    return { format, value: `_${randomBytes(20).toString('hex')}` };
  if (sp.nameIdFormat === 'persistent' && sp.nameIdSource === 'userId') {
    const value = createHmac('sha256', pairwiseKey)
      .update(`${user.tenantId}\n${sp.entityId}\n${user.id}`)
      .digest('hex');
    return { format, value };
  }
  const [value] = userValues(user, sp.nameIdSource);
  if (!value)
    throw new SamlError('ERR_SAML_NAMEID_MISSING', 'the user has no value for the NameID', {
      detail: `source=${sp.nameIdSource}`,
    });
  return { format, value };
}
