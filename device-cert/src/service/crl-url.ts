/**
 * The address a trust anchor's CRL is fetched from, checked when saved:
 * - an absolute http or https URL (CRL distribution points are usually plain http by design:
 *   the CRL's signature protects it, RFC 5280 §4.2.1.13), at most 2,000 characters;
 * - no user name or password in it (it is shown in listings and the audit log).
 * Whether its host is reachable and not internal is the fetch's check (`guardedGet`).
 */
import { ValidationError } from '@sekisho/platform';

export const MAX_CRL_URL_LENGTH = 2000;

/** The normalized URL, or what is wrong with `raw` as a CRL URL. */
function check(raw: unknown): { href: string } | { problem: string } {
  if (typeof raw !== 'string' || raw.length > MAX_CRL_URL_LENGTH) {
    return { problem: `must be an http or https URL of at most ${MAX_CRL_URL_LENGTH} characters` };
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { problem: 'must be an absolute http or https URL' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    return { problem: 'must be an absolute http or https URL' };
  }
  if (url.username || url.password) return { problem: 'must not contain a user name or password' };
  return { href: url.href };
}

/** What is wrong with `raw` as a CRL URL; undefined when nothing is. */
export function crlUrlProblem(raw: unknown): string | undefined {
  const checked = check(raw);
  return 'problem' in checked ? checked.problem : undefined;
}

/** The URL as stored (normalized); a `ValidationError` on `field` when it is not acceptable. */
export function parseCrlUrl(raw: unknown, field: string): string {
  const checked = check(raw);
  if ('problem' in checked) throw new ValidationError([{ field, message: checked.problem }]);
  return checked.href;
}
