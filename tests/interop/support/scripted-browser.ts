/**
 * A scripted browser for interop tests: what a person with a browser does during a
 * single sign-on, without a browser engine.
 * - One cookie jar for every host, keyed by host, never by port (see cookie-jar.ts), with
 *   SameSite applied to each request from where it came from (schemeful sites).
 * - Follows 301/302/303 (as GET) and 307/308 (same method and body), like a browser.
 * - Sends what browsers send on navigations: Origin on POST ("null" after a cross-origin
 *   redirect), Referer (strict-origin-when-cross-origin), Sec-Fetch-Site/Mode/Dest,
 *   Accept-Language.
 * - Runs what the pages of SSO flows script: a form submitted by `onload` or a script
 *   (SAML HTTP-POST binding, OIDC form_post, logout confirmations), or a hidden-field-only
 *   POST form carrying a protocol message; follows `<meta http-equiv=refresh>`.
 * - Fills Sekisho's sign-in form (loginId, password; the CSRF token and the other hidden
 *   fields go along as they are) once per `open()`; a second sign-in form is returned to the
 *   caller, as a person would stop at "wrong password".
 * - Accepts a self-signed TLS certificate only from the origins it is told to trust.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { CookieJar, siteOf } from './cookie-jar.ts';
import {
  autoSubmittedForm,
  formEntries,
  metaRefresh,
  parseForms,
  type HtmlForm,
} from './html-forms.ts';

export interface Credentials {
  loginId: string;
  password: string;
}

export interface ScriptedBrowserOptions {
  /** Origins (`https://host:port`) whose self-signed certificate is accepted. */
  insecureOrigins?: readonly string[];
  /** What the person types into Sekisho's sign-in form. */
  credentials?: Credentials;
  /** Requests one `open()` may make before giving up (redirects included); default 40. */
  maxRequests?: number;
  requestTimeoutMs?: number;
  acceptLanguage?: string;
  userAgent?: string;
}

export interface Step {
  method: string;
  url: string;
  status: number;
  location?: string | undefined;
  /** The form body sent (POST only). */
  requestBody?: string | undefined;
  /** Why the browser made this request: open, redirect, login, auto-submit, refresh, submit. */
  cause: string;
}

export interface Page {
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Every request of the `open()`/`navigate()` that produced this page, oldest first. */
  steps: Step[];
}

export interface NavigateOptions {
  /** The page the navigation starts from (undefined: the person typed the URL). */
  initiator?: Page | undefined;
  body?: string | undefined;
  contentType?: string | undefined;
  /** false: return the first response even when it redirects. */
  followRedirects?: boolean;
  cause?: string;
  /** Steps already taken (for the request budget and the record). */
  steps?: Step[];
}

/** Hidden fields that make a POST form a protocol message a page would post on load. */
const PROTOCOL_FIELDS = new Set(['SAMLRequest', 'SAMLResponse', 'wresult', 'id_token', 'code']);

function originOf(url: URL): string {
  return url.origin;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Referrer under the default policy (strict-origin-when-cross-origin) or the page's policy. */
function referrer(from: Page | undefined, to: URL): string | undefined {
  if (!from) return undefined;
  const policy = (firstHeader(from.headers['referrer-policy']) ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean)
    .pop();
  const full = new URL(from.url);
  full.hash = '';
  full.username = '';
  full.password = '';
  const sameOrigin = from.url.origin === to.origin;
  const downgrade = from.url.protocol === 'https:' && to.protocol !== 'https:';
  switch (policy) {
    case 'no-referrer':
      return undefined;
    case 'same-origin':
      return sameOrigin ? full.toString() : undefined;
    case 'origin':
      return `${from.url.origin}/`;
    case 'strict-origin':
      return downgrade ? undefined : `${from.url.origin}/`;
    case 'unsafe-url':
      return full.toString();
    case 'no-referrer-when-downgrade':
      return downgrade ? undefined : full.toString();
    case 'origin-when-cross-origin':
      return sameOrigin ? full.toString() : `${from.url.origin}/`;
    default:
      if (sameOrigin) return full.toString();
      return downgrade ? undefined : `${from.url.origin}/`;
  }
}

function isLoginForm(form: HtmlForm): boolean {
  return (
    form.method === 'POST' &&
    form.controls.some((c) => c.name === 'loginId') &&
    form.controls.some((c) => c.name === 'password' && c.type === 'password')
  );
}

function isProtocolPostForm(form: HtmlForm): boolean {
  const fields = form.controls.filter((c) => !c.type.startsWith('button:') && c.type !== 'submit');
  return (
    form.method === 'POST' &&
    fields.length > 0 &&
    fields.every((c) => c.type === 'hidden') &&
    fields.some((c) => PROTOCOL_FIELDS.has(c.name))
  );
}

function isHtml(page: Page): boolean {
  const type = firstHeader(page.headers['content-type']) ?? '';
  return type === '' || /html/i.test(type);
}

/** A form field the browser POSTed to `url` during the flow (e.g. the SAMLResponse). */
export function postedField(page: Page, url: string, field: string): string | undefined {
  const step = page.steps.find((s) => s.method === 'POST' && s.url === url);
  return step?.requestBody === undefined
    ? undefined
    : (new URLSearchParams(step.requestBody).get(field) ?? undefined);
}

/** A readable account of how a page was reached, for assertion messages. */
export function describePage(page: Page, bodyChars = 3000): string {
  const steps = page.steps
    .map(
      (s, i) =>
        `  ${i + 1}. [${s.cause}] ${s.method} ${s.url} -> ${s.status}` +
        (s.location ? ` (Location: ${s.location.slice(0, 300)})` : ''),
    )
    .join('\n');
  return `final ${page.status} at ${page.url}\nsteps:\n${steps}\nbody:\n${page.body.slice(0, bodyChars)}`;
}

export class ScriptedBrowser {
  readonly cookies = new CookieJar();
  readonly #insecure = new Set<string>();
  readonly #options: ScriptedBrowserOptions;
  readonly #httpAgent = new HttpAgent({ keepAlive: false });
  readonly #httpsAgent = new HttpsAgent({ keepAlive: false });
  readonly #insecureAgent = new HttpsAgent({ keepAlive: false, rejectUnauthorized: false });

  constructor(options: ScriptedBrowserOptions = {}) {
    this.#options = options;
    for (const origin of options.insecureOrigins ?? []) this.trust(origin);
  }

  /** Accepts this origin's certificate whatever it is (Sekisho's self-signed one). */
  trust(origin: string): void {
    this.#insecure.add(new URL(origin).origin);
  }

  /**
   * Opens `url` as a person would and lets the SSO flow run: redirects, self-submitting
   * forms, the sign-in form (once). Returns the first page that needs a person.
   */
  async open(url: string | URL): Promise<Page> {
    const steps: Step[] = [];
    let page = await this.navigate('GET', url, { steps, cause: 'open' });
    let signedIn = false;
    for (;;) {
      if (!isHtml(page)) return page;
      const forms = parseForms(page.body, page.url);
      const login = forms.find(isLoginForm);
      if (login && this.#options.credentials && !signedIn) {
        signedIn = true;
        const { loginId, password } = this.#options.credentials;
        page = await this.submit(page, login, { loginId, password }, steps, 'login');
        continue;
      }
      if (login) return page;
      const auto = autoSubmittedForm(page.body, forms) ?? forms.find(isProtocolPostForm);
      if (auto) {
        page = await this.submit(page, auto, {}, steps, 'auto-submit');
        continue;
      }
      const refresh = metaRefresh(page.body, page.url);
      if (refresh) {
        page = await this.navigate('GET', refresh, { initiator: page, steps, cause: 'refresh' });
        continue;
      }
      return page;
    }
  }

  /** Submits `form` of `page` as a click on its submit button would (no submitter name). */
  async submit(
    page: Page,
    form: HtmlForm,
    overrides: Record<string, string> = {},
    steps: Step[] = [],
    cause = 'submit',
  ): Promise<Page> {
    const entries = formEntries(form, overrides);
    const encoded = new URLSearchParams(entries).toString();
    if (form.method === 'GET') {
      const target = new URL(form.action);
      target.search = encoded;
      return this.navigate('GET', target, { initiator: page, steps, cause });
    }
    if (form.enctype !== 'application/x-www-form-urlencoded') {
      throw new Error(`form enctype ${form.enctype} at ${page.url} is not supported`);
    }
    return this.navigate('POST', form.action, {
      initiator: page,
      body: encoded,
      contentType: 'application/x-www-form-urlencoded',
      steps,
      cause,
    });
  }

  /** A top-level navigation: one request and, unless told otherwise, its redirects. */
  async navigate(
    method: 'GET' | 'POST',
    url: string | URL,
    options: NavigateOptions = {},
  ): Promise<Page> {
    const steps = options.steps ?? [];
    const budget = this.#options.maxRequests ?? 40;
    const initiator = options.initiator;
    const initiatorSite = initiator ? siteOf(initiator.url) : undefined;
    const urlList: URL[] = [];
    let current = new URL(url);
    let currentMethod: string = method;
    let body = options.body;
    let cause = options.cause ?? 'navigate';
    for (;;) {
      if (steps.length >= budget) {
        const trail = steps.map((s) => `${s.method} ${s.url} -> ${s.status}`).join('\n');
        throw new Error(`more than ${budget} requests; last ones:\n${trail}`);
      }
      current.hash = '';
      urlList.push(current);
      const crossSite =
        initiatorSite !== undefined && urlList.some((u) => siteOf(u) !== initiatorSite);
      const headers: Record<string, string> = {
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
        'accept-language': this.#options.acceptLanguage ?? 'en',
        'user-agent':
          this.#options.userAgent ??
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) SekishoInterop/1.0',
        'sec-fetch-mode': 'navigate',
        'sec-fetch-dest': 'document',
        'sec-fetch-site': this.#fetchSite(initiator, urlList),
        'upgrade-insecure-requests': '1',
      };
      const cookie = this.cookies.header(current, {
        sameSite: !crossSite,
        laxAllowed: currentMethod === 'GET' || currentMethod === 'HEAD',
      });
      if (cookie) headers.cookie = cookie;
      const ref = referrer(initiator, current);
      if (ref) headers.referer = ref;
      if (currentMethod === 'POST') {
        const tainted =
          initiator && urlList.slice(0, -1).some((u) => u.origin !== initiator.url.origin);
        headers.origin = !initiator || tainted ? 'null' : originOf(initiator.url);
        headers['content-type'] = options.contentType ?? 'application/x-www-form-urlencoded';
      }
      const res = await this.#send(currentMethod, current, headers, body);
      const setCookie = res.headers['set-cookie'] ?? [];
      this.cookies.store(current, setCookie);
      const location = firstHeader(res.headers.location);
      steps.push({
        method: currentMethod,
        url: current.toString(),
        status: res.status,
        location,
        cause,
        ...(currentMethod === 'POST' && { requestBody: body }),
      });
      const redirect = [301, 302, 303, 307, 308].includes(res.status) && location !== undefined;
      if (!redirect || options.followRedirects === false) {
        return { url: current, status: res.status, headers: res.headers, body: res.body, steps };
      }
      if (res.status !== 307 && res.status !== 308 && currentMethod !== 'GET') {
        currentMethod = 'GET';
        body = undefined;
      }
      current = new URL(location, current);
      cause = 'redirect';
    }
  }

  /** Fetch Metadata: none (typed), same-origin, same-site or cross-site over the whole chain. */
  #fetchSite(initiator: Page | undefined, urlList: readonly URL[]): string {
    if (!initiator) return 'none';
    let value = 'same-origin';
    for (const u of urlList) {
      if (u.origin === initiator.url.origin) continue;
      if (siteOf(u) === siteOf(initiator.url)) value = 'same-site';
      else return 'cross-site';
    }
    return value;
  }

  #send(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    const https = url.protocol === 'https:';
    if (!https && url.protocol !== 'http:') {
      return Promise.reject(new Error(`the browser cannot open ${url.toString()}`));
    }
    const agent = https
      ? this.#insecure.has(url.origin)
        ? this.#insecureAgent
        : this.#httpsAgent
      : this.#httpAgent;
    const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
    if (payload) headers['content-length'] = String(payload.length);
    const timeout = this.#options.requestTimeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method, headers, agent, timeout },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`${method} ${url.toString()} timed out after ${timeout} ms`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}
