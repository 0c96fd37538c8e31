/**
 * HTML for the browser pages (login, consent, errors) without a template engine.
 *
 * - `html\`...\`` escapes every interpolated value (`& < > " '`) unless it is `SafeHtml`, so
 *   text is safe in element content and in quoted attribute values. Always quote attributes;
 *   a URL attribute must still be checked by the caller (escaping does not stop `javascript:`).
 * - `SafeHtml` can only be made by `html` and `raw`; `raw` is for trusted constants only.
 * - Pages load nothing from elsewhere and run no script; `PAGE_CSP` allows exactly the one
 *   inline stylesheet by its hash (CSP3 hash-source), so injected markup can neither run
 *   script nor restyle the page into a phishing form. `frame-ancestors 'none'` stops clickjacking.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '../i18n/locale.ts';

const TOKEN: unique symbol = Symbol('SafeHtml');

/** Markup that is already safe to emit: made only by `html` and `raw`. */
export class SafeHtml {
  readonly #html: string;
  constructor(token: typeof TOKEN, markup: string) {
    if (token !== TOKEN) throw new TypeError('SafeHtml is made by html`` or raw()');
    this.#html = markup;
  }
  toString(): string {
    return this.#html;
  }
}

export type HtmlValue =
  SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Trusted constant markup, emitted as is. Never pass user input. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(TOKEN, markup);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/**
 * @example
 * html`<p class="error">${message}</p><ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(TOKEN, out);
}

/** The one stylesheet of every page; its hash is in `PAGE_CSP`. */
export const PAGE_STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--fg:#1d2129;--muted:#5b6472;--card:#fff;--line:#d5d9e0;--accent:#1f5fbf;--accent-fg:#fff;--err-bg:#fdecec;--err-fg:#8a1c1c;--note-bg:#eaf2fd;--note-fg:#163d73}
@media (prefers-color-scheme:dark){:root{--bg:#16181d;--fg:#e6e8eb;--muted:#a3abb8;--card:#1f232a;--line:#363c46;--accent:#6ea3f5;--accent-fg:#0b1220;--err-bg:#3a1d1f;--err-fg:#ffb4b4;--note-bg:#1b2a40;--note-fg:#c3dafc}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,"Segoe UI","Hiragino Sans","Noto Sans JP",Meiryo,sans-serif}
header{padding:.75rem 1.25rem;font-weight:600;color:var(--muted)}
main{flex:1;display:flex;align-items:flex-start;justify-content:center;padding:1rem}
.card{width:100%;max-width:26rem;margin-top:6vh;padding:2rem 1.75rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{margin:0 0 1.25rem;font-size:1.35rem;line-height:1.3}
label{display:block;margin:1rem 0 .35rem;font-weight:600}
input,select{width:100%;padding:.65rem .75rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:8px}
button,.button{display:inline-block;width:100%;margin-top:1.25rem;padding:.7rem 1rem;font:inherit;font-weight:600;text-align:center;text-decoration:none;color:var(--accent-fg);background:var(--accent);border:0;border-radius:8px;cursor:pointer}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
a{color:var(--accent)}
.error,.notice{margin:0 0 1rem;padding:.75rem 1rem;border-radius:8px}
.error{background:var(--err-bg);color:var(--err-fg)}
.notice{background:var(--note-bg);color:var(--note-fg)}
.muted,footer{color:var(--muted);font-size:.875rem}
footer{padding:1rem;text-align:center}
@media (max-width:30rem){.card{margin-top:0;padding:1.5rem 1.1rem;border-radius:0;border-width:1px 0}}
`;

const STYLE_HASH = `sha256-${createHash('sha256').update(PAGE_STYLE, 'utf8').digest('base64')}`;

// Built by concatenation so that no formatter can change the hashed text.
const STYLE_ELEMENT = raw('<style>' + PAGE_STYLE + '</style>');

/** The Content-Security-Policy header for pages made by `renderPage`. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  "img-src 'self' data:",
  "form-action 'self' https:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export interface PageOptions {
  locale: Locale;
  /** Shown as the card's heading and in the window title. */
  title: string;
  body: SafeHtml;
  /** Published as `<meta name="csrf-token">`; forms still carry it in a hidden field. */
  csrfToken?: string;
}

/**
 * A complete HTML5 document: the "Sekisho / 関所" header, then a centered card holding the
 * title as `<h1>` and the body. Serve it with `PAGE_CSP`.
 */
export function renderPage(options: PageOptions): string {
  const { locale, title, body, csrfToken } = options;
  // The markup is the output, byte for byte: keep formatters away from it.
  // prettier-ignore
  const page = html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
${csrfToken === undefined ? '' : html`<meta name="csrf-token" content="${csrfToken}">`}
<title>${title} - Sekisho</title>
${STYLE_ELEMENT}
</head>
<body>
<header><span lang="en">Sekisho</span> / <span lang="ja">関所</span></header>
<main>
<div class="card">
<h1>${title}</h1>
${body}
</div>
</main>
</body>
</html>
`;
  return page.toString();
}
