/**
 * Typed message catalogs: each package defines its own with `defineCatalog`.
 *
 * - The English catalog fixes the keys; the type makes the Japanese one carry exactly those
 *   keys, and `defineCatalog` checks the same at startup (extra, missing or empty texts, and
 *   `{placeholders}` that differ between the languages), so a catalog never breaks per request.
 * - `{name}` is replaced by `params.name`. A missing param stays visible as `{name}`: a wrong
 *   text is noticed and fixed, an empty gap is not.
 * - Texts are plain strings; HTML escaping is the page renderer's job (`html` escapes them).
 */
import type { Locale } from './locale.ts';
import { LOCALES } from './locale.ts';

export type MessageParams = Record<string, string | number>;

export interface Catalog<K extends string> {
  /** The text of `key` in `locale`, with `{name}` placeholders filled from `params`. */
  t(locale: Locale, key: K, params?: MessageParams): string;
  /** Narrows an untyped key (an error code from elsewhere) before calling `t`. */
  has(key: string): key is K;
  readonly keys: readonly K[];
}

// Only function declarations at module level: `messages.ts`, re-exported at the bottom, calls
// `defineCatalog` while this module is still being evaluated, before any `const` here exists.
function placeholderPattern(): RegExp {
  return /\{([A-Za-z0-9_]+)\}/g;
}

/** Fills `{name}` placeholders; unknown names are left as written. */
export function formatMessage(text: string, params: MessageParams = {}): string {
  return text.replace(placeholderPattern(), (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/**
 * @example
 * const messages = defineCatalog({
 *   en: { 'login.welcome': 'Welcome, {name}' },
 *   ja: { 'login.welcome': 'ようこそ、{name} さん' },
 * });
 * messages.t('ja', 'login.welcome', { name: '花子' }); // 'ようこそ、花子 さん'
 */
export function defineCatalog<const M extends Record<string, string>>(catalog: {
  en: M;
  ja: Record<keyof M, string>;
}): Catalog<Extract<keyof M, string>> {
  type K = Extract<keyof M, string>;
  const texts: Record<Locale, Readonly<Record<string, string>>> = {
    en: Object.freeze({ ...catalog.en }),
    ja: Object.freeze({ ...catalog.ja }),
  };
  const keys = Object.freeze(Object.keys(texts.en)) as readonly K[];
  checkCatalog(texts, keys);

  return Object.freeze({
    keys,
    has: (key: string): key is K => Object.hasOwn(texts.en, key),
    t(locale: Locale, key: K, params?: MessageParams): string {
      const table = Object.hasOwn(texts, locale) ? texts[locale] : texts.en;
      const text = Object.hasOwn(table, key) ? table[key] : undefined;
      return formatMessage(text ?? key, params);
    },
  });
}

function placeholders(text: string): string {
  return [...new Set(Array.from(text.matchAll(placeholderPattern()), (m) => m[1]))]
    .sort()
    .join(',');
}

/** Throws a `TypeError` naming every problem: a broken catalog is a bug, found at startup. */
function checkCatalog(
  texts: Record<Locale, Readonly<Record<string, string>>>,
  keys: readonly string[],
) {
  const problems: string[] = [];
  for (const locale of LOCALES) {
    const table = texts[locale];
    for (const key of Object.keys(table)) {
      if (!Object.hasOwn(texts.en, key)) problems.push(`${locale}: unexpected key '${key}'`);
    }
    for (const key of keys) {
      const text = table[key];
      if (typeof text !== 'string' || text.trim() === '') {
        problems.push(`${locale}: missing text for '${key}'`);
      } else if (placeholders(text) !== placeholders(texts.en[key] ?? '')) {
        problems.push(`${locale}: '${key}' must use the placeholders of the en text`);
      }
    }
  }
  if (problems.length > 0) throw new TypeError(`invalid message catalog: ${problems.join('; ')}`);
}

export { platformMessages } from './messages.ts';
