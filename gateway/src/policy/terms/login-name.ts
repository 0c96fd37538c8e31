/**
 * Login names in conditions. Login IDs are email addresses compared case-insensitively (the
 * platform stores them lower-cased), so a pattern is either such an address or `*@domain`
 * for every login of one domain (exactly that domain: not its subdomains). Anything else
 * could never match, so it is refused when the condition is saved.
 */

import { isDigit, isLetter } from './chars.ts';

const LOCAL_SPECIALS = ".!#$%&'*+/=?^_`{|}~-";

export function isLoginPattern(pattern: string): boolean {
  const at = pattern.indexOf('@');
  if (at <= 0 || pattern.length > 254) return false;
  const local = pattern.slice(0, at);
  const domain = pattern.slice(at + 1);
  return [...local].every(isLocalChar) && isDomain(domain);
}

/** Whether `loginId` matches `pattern` (both compared lower-cased). */
export function matchesLogin(pattern: string, loginId: string): boolean {
  const p = pattern.toLowerCase();
  const id = loginId.toLowerCase();
  if (!p.startsWith('*@')) return p === id;
  const suffix = p.slice(1);
  return id.endsWith(suffix) && id.indexOf('@') === id.length - suffix.length;
}

function isLocalChar(c: string): boolean {
  return isAlnum(c) || LOCAL_SPECIALS.includes(c);
}

function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every(
    (l) =>
      l.length >= 1 &&
      l.length <= 63 &&
      !l.startsWith('-') &&
      !l.endsWith('-') &&
      [...l].every((c) => isAlnum(c) || c === '-'),
  );
}

function isAlnum(c: string): boolean {
  return isLetter(c) || isDigit(c);
}
