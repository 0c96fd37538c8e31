/**
 * The SP endpoints of a SAML SP configuration: AssertionConsumerService endpoints (HTTP-POST
 * only — we never send assertions in a URL) with unique indexes and exactly one default, and
 * an optional SingleLogoutService (HTTP-Redirect or HTTP-POST, SAML metadata §2.2.2).
 */
import { BINDING } from './saml-constants.ts';
import { endpointUrl, isRecord, onlyKeys, type Problems } from './sp-config-fields.ts';

export interface AcsEndpoint {
  url: string;
  binding: 'HTTP-POST';
  index: number;
  isDefault: boolean;
}

export interface SloEndpoint {
  url: string;
  /** Where LogoutResponses go when it differs from `url` (metadata ResponseLocation). */
  responseUrl?: string | undefined;
  binding: 'HTTP-Redirect' | 'HTTP-POST';
}

/** Accepts the short name or the full binding URN; returns the short name. */
export function bindingName(raw: unknown): 'HTTP-Redirect' | 'HTTP-POST' | undefined {
  if (raw === 'HTTP-POST' || raw === BINDING.post) return 'HTTP-POST';
  if (raw === 'HTTP-Redirect' || raw === BINDING.redirect) return 'HTTP-Redirect';
  return undefined;
}

export function parseAcs(raw: unknown, p: Problems): AcsEndpoint[] {
  if (!Array.isArray(raw) || !raw.length || raw.length > 32) {
    p.add('acs', 'must list 1-32 AssertionConsumerService endpoints');
    return [];
  }
  const out: AcsEndpoint[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = `acs[${i}]`;
    if (!isRecord(entry)) return p.add(at, 'must be an object with url, binding, index');
    onlyKeys(entry, ['url', 'binding', 'index', 'isDefault'], `${at}.`, p);
    const url = endpointUrl(entry.url, `${at}.url`, p);
    if (bindingName(entry.binding ?? 'HTTP-POST') !== 'HTTP-POST')
      p.add(`${at}.binding`, 'must be HTTP-POST');
    const index = entry.index ?? i;
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) > 65535)
      p.add(`${at}.index`, 'must be an integer 0-65535');
    if (entry.isDefault !== undefined && typeof entry.isDefault !== 'boolean')
      p.add(`${at}.isDefault`, 'must be true or false');
    if (url)
      out.push({
        url,
        binding: 'HTTP-POST',
        index: index as number,
        isDefault: entry.isDefault === true,
      });
  });
  if (new Set(out.map((a) => a.index)).size !== out.length) p.add('acs', 'indexes must be unique');
  const defaults = out.filter((a) => a.isDefault).length;
  if (defaults > 1) p.add('acs', 'at most one endpoint may be the default');
  if (defaults === 0 && out[0]) out[0] = { ...out[0], isDefault: true };
  return out;
}

export function parseSlo(raw: unknown, p: Problems): SloEndpoint | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) return p.add('slo', 'must be an object with url and binding');
  onlyKeys(raw, ['url', 'responseUrl', 'binding'], 'slo.', p);
  const url = endpointUrl(raw.url, 'slo.url', p);
  const responseUrl =
    raw.responseUrl === undefined ? undefined : endpointUrl(raw.responseUrl, 'slo.responseUrl', p);
  const binding = bindingName(raw.binding);
  if (!binding) p.add('slo.binding', 'must be HTTP-Redirect or HTTP-POST');
  if (!url || !binding) return undefined;
  return { url, binding, ...(responseUrl && { responseUrl }) };
}

/** The default ACS (the one marked, else the first), as SAML core §3.4.1 falls back to it. */
export function defaultAcs(acs: readonly AcsEndpoint[]): AcsEndpoint {
  return acs.find((a) => a.isDefault) ?? acs[0]!;
}
