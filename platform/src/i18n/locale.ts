/**
 * Chooses the language of a page or mail.
 *
 * - The user's saved setting wins; then the browser's `Accept-Language` (RFC 9110 §12.5.4)
 *   with its q-values; then the tenant's or product fallback, Japanese unless told otherwise.
 * - A language range matches by its primary subtag (`ja-JP` -> `ja`, `en-US` -> `en`);
 *   `q=0` means "not acceptable"; `*` matches any locale the header does not name.
 * - Malformed entries are ignored, never an error: the header is client input and a page must
 *   still render. Only the first 32 entries are read, so a huge header costs nothing.
 */

export const LOCALES = ['ja', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'ja';

const MAX_ENTRIES = 32;
/** RFC 9110 §12.4.2 qvalue: 0 to 1 with up to three decimals. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;
const RANGE = /^(?:\*|[a-z]{1,8}(?:-[a-z0-9]{1,8})*)$/;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

interface Candidate {
  locale: Locale;
  q: number;
  order: number;
}

/**
 * @example
 * negotiateLocale('en-US,en;q=0.9,ja;q=0.8') // 'en'
 * negotiateLocale('en-US', 'ja')              // 'ja' (the user's setting)
 * negotiateLocale(undefined, null, 'en')      // 'en'
 */
export function negotiateLocale(
  acceptLanguage: string | undefined,
  userSetting?: Locale | null,
  fallback: Locale = DEFAULT_LOCALE,
): Locale {
  if (isLocale(userSetting)) return userSetting;
  const safeFallback = isLocale(fallback) ? fallback : DEFAULT_LOCALE;
  if (!acceptLanguage) return safeFallback;

  const named = new Set<Locale>();
  const candidates: Candidate[] = [];
  let wildcard: { q: number; order: number } | undefined;
  acceptLanguage
    .split(',')
    .slice(0, MAX_ENTRIES)
    .forEach((entry, order) => {
      const parsed = parseEntry(entry);
      if (!parsed) return;
      if (parsed.range === '*') {
        wildcard ??= { q: parsed.q, order };
        return;
      }
      const primary = parsed.range.split('-')[0];
      if (!isLocale(primary)) return;
      named.add(primary);
      candidates.push({ locale: primary, q: parsed.q, order });
    });

  const star = wildcard;
  if (star) {
    const order = [safeFallback, ...LOCALES.filter((l) => l !== safeFallback)];
    order.forEach((locale, i) => {
      if (!named.has(locale)) candidates.push({ locale, q: star.q, order: star.order + i / 10 });
    });
  }
  const acceptable = candidates.filter((c) => c.q > 0);
  const best = acceptable.sort((a, b) => b.q - a.q || a.order - b.order)[0];
  if (best) return best.locale;
  // Nothing acceptable was named: avoid a locale the client explicitly refused with q=0.
  const refused = (l: Locale) => named.has(l) || star?.q === 0;
  return refused(safeFallback) ? (LOCALES.find((l) => !refused(l)) ?? safeFallback) : safeFallback;
}

function parseEntry(entry: string): { range: string; q: number } | undefined {
  const [rawRange, ...params] = entry.split(';');
  const range = (rawRange ?? '').trim().toLowerCase();
  if (!RANGE.test(range)) return undefined;
  let q = 1;
  for (const param of params) {
    const [name, value] = param.split('=').map((s) => s.trim());
    if (name?.toLowerCase() !== 'q') continue;
    if (value === undefined || !QVALUE.test(value)) return undefined;
    q = Number(value);
  }
  return { range, q };
}
