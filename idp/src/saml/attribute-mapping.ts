/**
 * The attributes an SP receives: each names the SAML Attribute (Name, optional NameFormat
 * and FriendlyName) and the user field it carries. `groups` is multi-valued; a custom
 * attribute the user does not have is left out rather than sent empty.
 */
import type { User } from '@sekisho/platform';
import { isRecord, onlyKeys, text, userField, type Problems } from './sp-config-fields.ts';

export type AttributeSource =
  'email' | 'loginId' | 'displayName' | 'groups' | 'userId' | `attr:${string}`;

export interface AttributeMapping {
  name: string;
  nameFormat?: string | undefined;
  friendlyName?: string | undefined;
  source: AttributeSource;
}

const SOURCES = ['email', 'loginId', 'displayName', 'groups', 'userId'] as const;

export function parseAttributeMappings(raw: unknown, p: Problems): AttributeMapping[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > 64)
    return (p.add('attributes', 'must be a list of at most 64 mappings'), []);
  const out = raw.flatMap((entry: unknown, i): AttributeMapping[] => {
    const at = `attributes[${i}]`;
    if (!isRecord(entry)) return (p.add(at, 'must be an object with name and source'), []);
    onlyKeys(entry, ['name', 'nameFormat', 'friendlyName', 'source'], `${at}.`, p);
    const name = text(entry.name, `${at}.name`, 256, p);
    const source = userField(entry.source, `${at}.source`, SOURCES, p);
    const nameFormat =
      entry.nameFormat === undefined
        ? undefined
        : text(entry.nameFormat, `${at}.nameFormat`, 256, p);
    const friendlyName =
      entry.friendlyName === undefined
        ? undefined
        : text(entry.friendlyName, `${at}.friendlyName`, 256, p);
    if (!name || !source) return [];
    return [
      { name, source, ...(nameFormat && { nameFormat }), ...(friendlyName && { friendlyName }) },
    ];
  });
  if (new Set(out.map((a) => a.name)).size !== out.length)
    p.add('attributes', 'names must be unique');
  return out;
}

/** The values of one user field; empty when the user has no such value. */
export function userValues(user: User, source: AttributeSource): string[] {
  if (source.startsWith('attr:')) {
    const value = user.attributes[source.slice(5)];
    return value === undefined || value === '' ? [] : [value];
  }
  switch (source) {
    case 'groups':
      return [...user.groups];
    case 'email':
      return [user.email];
    case 'loginId':
      return [user.loginId];
    case 'displayName':
      return [user.displayName];
    default:
      return [user.id];
  }
}
