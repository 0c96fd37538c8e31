/** SAML names shared by the SP peers' configs, and small metadata helpers. */

export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const ATTRNAME_URI = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';
export const ATTRNAME_BASIC = 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic';

/** An attribute an SP asks for in its metadata (`<md:RequestedAttribute>`). */
export interface RequestedAttribute {
  name: string;
  friendlyName: string;
  nameFormat?: string;
  required?: boolean;
}

/**
 * What the SPs request by default: e-mail and display name under their LDAP OIDs, the names
 * SAML deployments (InCommon, eduGAIN, Shibboleth's default attribute map) use.
 */
export const DEFAULT_REQUESTED_ATTRIBUTES: readonly RequestedAttribute[] = [
  { name: 'urn:oid:0.9.2342.19200300.100.1.3', friendlyName: 'mail', required: true },
  { name: 'urn:oid:2.16.840.1.113730.3.1.241', friendlyName: 'displayName' },
];

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<md:AttributeConsumingService>` listing `attributes` (nothing when the list is empty). */
export function attributeConsumingService(
  attributes: readonly RequestedAttribute[],
  prefix = 'md:',
): string {
  if (!attributes.length) return '';
  const requested = attributes
    .map(
      (a) =>
        `<${prefix}RequestedAttribute FriendlyName="${escapeXml(a.friendlyName)}" Name="${escapeXml(a.name)}" NameFormat="${escapeXml(a.nameFormat ?? ATTRNAME_URI)}" isRequired="${a.required ? 'true' : 'false'}"/>`,
    )
    .join('');
  return `<${prefix}AttributeConsumingService index="1" isDefault="true"><${prefix}ServiceName xml:lang="en">Sekisho interop test</${prefix}ServiceName>${requested}</${prefix}AttributeConsumingService>`;
}

/** The entityID of the first EntityDescriptor of a metadata document. */
export function metadataEntityId(xml: string): string {
  const m = /<(?:[\w-]+:)?EntityDescriptor\b[^>]*?\bentityID\s*=\s*("([^"]*)"|'([^']*)')/.exec(xml);
  const id = m?.[2] ?? m?.[3];
  if (!id) throw new Error(`no EntityDescriptor entityID in metadata:\n${xml.slice(0, 1000)}`);
  return id.replace(/&amp;/g, '&');
}
