/**
 * Escapes text for XML element content and double- or single-quoted attribute values
 * (XML 1.0 §2.4, §3.3.3): `& < > " '` become entities, and characters XML 1.0 cannot carry
 * at all (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF) are refused,
 * because dropping them silently could change a NameID or attribute value.
 *
 * @example
 * `<saml:NameID>${escapeXml(user.email)}</saml:NameID>`
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/u;

export class XmlCharacterError extends TypeError {
  readonly code = 'ERR_SAML_XML_CHARACTER';
}

/**
 * Escapes `value` for element content or an attribute. Tab, CR and LF are written as
 * character references so attribute-value normalization cannot turn them into spaces.
 */
export function escapeXml(value: string | number): string {
  const text = String(value);
  if (NOT_XML_CHAR.test(text))
    throw new XmlCharacterError('value holds a character XML 1.0 cannot carry');
  return text.replace(/[&<>"'\r\n\t]/g, (c) => ENTITIES[c] ?? c);
}
