/** ASCII character classes of the condition language (no locale, no regular expressions). */

export function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

export function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** A non-empty run of ASCII digits. */
export function isDigits(text: string): boolean {
  for (const c of text) if (!isDigit(c)) return false;
  return text.length > 0;
}

/** A decimal number without leading zeros (`0`, `7`, `30`; not `007`). */
export function isPlainNumber(text: string): boolean {
  return isDigits(text) && (text === '0' || !text.startsWith('0'));
}

export function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/** Letters, digits and `_ . -`: the characters of IP set identifiers and attribute names. */
export function isNameChar(c: string): boolean {
  return isLetter(c) || isDigit(c) || c === '_' || c === '.' || c === '-';
}
