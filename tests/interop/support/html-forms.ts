/**
 * What a browser reads out of a page to act on it: its forms (with the fields a submission
 * carries, HTML's "constructing the entry list"), whether a script or `onload` submits a form
 * at once, and a `<meta http-equiv="refresh">` target. A tolerant tag scanner, enough for the
 * pages of the IdP and SPs under test; not a general HTML parser.
 */

export interface FormField {
  name: string;
  value: string;
  type: string;
}

export interface HtmlForm {
  id: string | undefined;
  /** Upper-case GET or POST. */
  method: 'GET' | 'POST';
  /** Resolved against the page URL (the page itself when absent or empty). */
  action: URL;
  enctype: string;
  /** Every named control, in document order (including unchecked boxes, buttons). */
  controls: FormField[];
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of a start tag (names lower-cased, values entity-decoded). */
export function tagAttributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const inner = tag.replace(/^<\s*[a-z0-9-]+/i, '').replace(/\/?>$/, '');
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    const name = m[1]!.toLowerCase();
    if (name in attrs) continue; // HTML keeps the first of duplicate attributes
    attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

/** A start tag regex that skips `>` inside quoted attribute values. */
function startTag(name: string): RegExp {
  return new RegExp(`<${name}\\b(?:[^>"']|"[^"]*"|'[^']*')*>`, 'gi');
}

/** The page without comments, and with script/style bodies emptied. */
function markupOnly(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/(<script\b[^>]*>)[\s\S]*?(<\/script\s*>)/gi, '$1$2')
    .replace(/(<style\b[^>]*>)[\s\S]*?(<\/style\s*>)/gi, '$1$2');
}

function controlsOf(inner: string): FormField[] {
  const controls: { at: number; field: FormField }[] = [];
  for (const m of inner.matchAll(startTag('input'))) {
    const a = tagAttributes(m[0]);
    if (a.name === undefined || a.name === '') continue;
    const type = (a.type ?? 'text').toLowerCase();
    const checked = 'checked' in a;
    if ((type === 'checkbox' || type === 'radio') && !checked) {
      controls.push({
        at: m.index,
        field: { name: a.name, value: a.value ?? 'on', type: `${type}:unchecked` },
      });
      continue;
    }
    const value = a.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : '');
    controls.push({ at: m.index, field: { name: a.name, value, type } });
  }
  for (const m of inner.matchAll(/<button\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi)) {
    const a = tagAttributes(m[0]);
    if (!a.name) continue;
    controls.push({
      at: m.index,
      field: {
        name: a.name,
        value: a.value ?? '',
        type: `button:${(a.type ?? 'submit').toLowerCase()}`,
      },
    });
  }
  for (const m of inner.matchAll(
    /(<textarea\b(?:[^>"']|"[^"]*"|'[^']*')*>)([\s\S]*?)<\/textarea\s*>/gi,
  )) {
    const a = tagAttributes(m[1]!);
    if (!a.name) continue;
    controls.push({
      at: m.index,
      field: { name: a.name, value: decodeEntities(m[2]!.replace(/^\r?\n/, '')), type: 'textarea' },
    });
  }
  for (const m of inner.matchAll(
    /(<select\b(?:[^>"']|"[^"]*"|'[^']*')*>)([\s\S]*?)<\/select\s*>/gi,
  )) {
    const a = tagAttributes(m[1]!);
    if (!a.name) continue;
    const options = [...m[2]!.matchAll(/(<option\b(?:[^>"']|"[^"]*"|'[^']*')*>)([^<]*)/gi)].map(
      (o) => {
        const oa = tagAttributes(o[1]!);
        return { value: oa.value ?? decodeEntities(o[2]!.trim()), selected: 'selected' in oa };
      },
    );
    const chosen = options.find((o) => o.selected) ?? options[0];
    if (chosen)
      controls.push({ at: m.index, field: { name: a.name, value: chosen.value, type: 'select' } });
  }
  return controls.sort((x, y) => x.at - y.at).map((c) => c.field);
}

/** Every form of the page, in document order. */
export function parseForms(html: string, pageUrl: URL): HtmlForm[] {
  const markup = markupOnly(html);
  const forms: HtmlForm[] = [];
  const re = /(<form\b(?:[^>"']|"[^"]*"|'[^']*')*>)([\s\S]*?)(?:<\/form\s*>|$)/gi;
  for (const m of markup.matchAll(re)) {
    const a = tagAttributes(m[1]!);
    const method = (a.method ?? 'get').toUpperCase() === 'POST' ? 'POST' : 'GET';
    const action = a.action ? new URL(a.action, pageUrl) : new URL(pageUrl);
    action.hash = '';
    forms.push({
      id: a.id,
      method,
      action,
      enctype: (a.enctype ?? 'application/x-www-form-urlencoded').toLowerCase(),
      controls: controlsOf(m[2] ?? ''),
    });
  }
  return forms;
}

/**
 * The entry list a submission sends: successful controls only (no unchecked boxes, no
 * buttons except the submitter), with `overrides` filled into the named fields.
 */
export function formEntries(
  form: HtmlForm,
  overrides: Record<string, string> = {},
  submitter?: FormField,
): [string, string][] {
  const entries: [string, string][] = [];
  for (const c of form.controls) {
    if (c.type.endsWith(':unchecked')) continue;
    if (['submit', 'image', 'reset', 'button', 'file'].includes(c.type)) continue;
    if (c.type.startsWith('button:')) continue;
    entries.push([c.name, c.name in overrides ? overrides[c.name]! : c.value]);
  }
  if (submitter) entries.push([submitter.name, submitter.value]);
  return entries;
}

/**
 * The form a script or `onload` handler submits as soon as the page loads, if any: the one
 * named by `getElementById('x').submit()` / `forms['x']` / `forms.x`, or `forms[n]`, or
 * the only/first form for a bare `.submit()`.
 */
export function autoSubmittedForm(html: string, forms: readonly HtmlForm[]): HtmlForm | undefined {
  if (!forms.length) return undefined;
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script\s*>/gi)].map(
    (m) => m[1] ?? '',
  );
  const onload = [...html.matchAll(startTag('body'))].map((m) => tagAttributes(m[0]).onload ?? '');
  const code = [...scripts, ...onload].join('\n');
  if (!/\.submit\s*\(\s*\)/.test(code)) return undefined;
  const byId =
    /getElementById\(\s*['"]([^'"]+)['"]\s*\)\s*\.submit\s*\(/.exec(code)?.[1] ??
    /forms\s*\[\s*['"]([^'"]+)['"]\s*\]\s*\.submit\s*\(/.exec(code)?.[1] ??
    /forms\s*\.\s*([A-Za-z_$][\w$]*)\s*\.submit\s*\(/.exec(code)?.[1];
  if (byId) return forms.find((f) => f.id === byId);
  const index = /forms\s*\[\s*(\d+)\s*\]\s*\.submit\s*\(/.exec(code)?.[1];
  if (index !== undefined) return forms[Number(index)];
  return forms[0];
}

/** The target of `<meta http-equiv="refresh" content="N; url=...">`, if any. */
export function metaRefresh(html: string, pageUrl: URL): URL | undefined {
  for (const m of markupOnly(html).matchAll(startTag('meta'))) {
    const a = tagAttributes(m[0]);
    if ((a['http-equiv'] ?? '').toLowerCase() !== 'refresh' || !a.content) continue;
    const target = /^\s*\d*\s*[;,]\s*(?:url\s*=\s*)?['"]?([^'"]+)['"]?\s*$/i.exec(a.content)?.[1];
    if (target) return new URL(target.trim(), pageUrl);
  }
  return undefined;
}
