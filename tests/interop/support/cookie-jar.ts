/**
 * A browser's cookie store, after RFC 6265 §5 (and the parts of RFC 6265bis browsers ship):
 * - cookies belong to a host, not to a host and port: every peer on 127.0.0.1 shares one
 *   namespace, as in a real browser;
 * - host-only cookies (no Domain) match their host exactly; Domain cookies match the host and
 *   its subdomains (an IP address only itself); Path by the path-match rule, with the default
 *   path taken from the request;
 * - Max-Age wins over Expires; a past expiry deletes;
 * - Secure cookies are sent only over https, cannot be set from http, and an http response
 *   cannot overwrite a Secure cookie; `__Secure-` and `__Host-` prefixes are enforced;
 * - SameSite: Strict cookies go only with same-site requests, Lax ones also with cross-site
 *   top-level GET navigations; None and unset go everywhere (Firefox's behaviour; Chrome's
 *   "Lax by default" is not modelled).
 * Sites are schemeful (RFC 6265bis): http://127.0.0.1 and https://127.0.0.1 are different
 * sites. There is no public-suffix list; the hosts here are IP addresses and localhost.
 */

export interface Cookie {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: 'strict' | 'lax' | 'none' | undefined;
  /** Epoch ms; undefined for a session cookie. */
  expires: number | undefined;
  created: number;
}

export interface CookieRequestContext {
  /** Whether the request is same-site with the document (or chain) that started it. */
  sameSite: boolean;
  /** Whether the request is a top-level navigation with a safe method (GET/HEAD). */
  laxAllowed: boolean;
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':') || host.startsWith('[');
}

/** RFC 6265 §5.1.3. */
export function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  return !isIpAddress(host) && host.endsWith(`.${domain}`);
}

/** RFC 6265 §5.1.4: the directory of the request path. */
export function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

/** RFC 6265 §5.1.4. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/';
}

/** The schemeful site of a URL: scheme and host (no registrable-domain step for IPs/localhost). */
export function siteOf(url: URL): string {
  return `${url.protocol}//${url.hostname}`;
}

function hostOf(url: URL): string {
  return url.hostname.toLowerCase();
}

export class CookieJar {
  #cookies: Cookie[] = [];
  #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Every cookie still alive, for assertions and diagnostics. */
  all(): Cookie[] {
    this.#expire();
    return [...this.#cookies];
  }

  /** Forgets the cookies `drop` picks (as a person clearing one site's cookies would). */
  remove(drop: (cookie: Cookie) => boolean): void {
    this.#cookies = this.#cookies.filter((c) => !drop(c));
  }

  #expire(): void {
    const now = this.#now();
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now);
  }

  /** Stores the cookies of a response's Set-Cookie headers (RFC 6265 §5.2 and §5.3). */
  store(url: URL, setCookie: readonly string[]): void {
    for (const header of setCookie) this.#storeOne(url, header);
  }

  #storeOne(url: URL, header: string): void {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? '' : pair.slice(0, eq)).trim();
    const value = (eq < 0 ? pair : pair.slice(eq + 1)).trim();
    if (!name && !value) return;
    const now = this.#now();
    const host = hostOf(url);
    const secureOrigin = url.protocol === 'https:';
    let domain = '';
    let path: string | undefined;
    let secure = false;
    let httpOnly = false;
    let sameSite: Cookie['sameSite'];
    let maxAge: number | undefined;
    let expires: number | undefined;
    for (const attribute of attributes) {
      const i = attribute.indexOf('=');
      const key = (i < 0 ? attribute : attribute.slice(0, i)).trim().toLowerCase();
      const val = i < 0 ? '' : attribute.slice(i + 1).trim();
      if (key === 'expires') {
        const t = Date.parse(val);
        if (!Number.isNaN(t)) expires = t;
      } else if (key === 'max-age') {
        if (/^-?\d+$/.test(val)) maxAge = Number(val);
      } else if (key === 'domain') {
        domain = val.replace(/^\./, '').toLowerCase();
      } else if (key === 'path') {
        path = val.startsWith('/') ? val : undefined;
      } else if (key === 'secure') {
        secure = true;
      } else if (key === 'httponly') {
        httpOnly = true;
      } else if (key === 'samesite') {
        const v = val.toLowerCase();
        sameSite = v === 'strict' || v === 'lax' || v === 'none' ? v : undefined;
      }
    }
    if (domain && !domainMatches(host, domain)) return;
    if (secure && !secureOrigin) return;
    if (name.startsWith('__Secure-') && !secure) return;
    if (name.startsWith('__Host-') && (!secure || domain || path !== '/')) return;
    const cookie: Cookie = {
      name,
      value,
      domain: domain || host,
      hostOnly: !domain,
      path: path ?? defaultPath(url.pathname),
      secure,
      httpOnly,
      sameSite,
      expires: maxAge !== undefined ? now + maxAge * 1000 : expires,
      created: now,
    };
    const same = (c: Cookie) =>
      c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path;
    // RFC 6265bis §5.7 step 16: plain http may not overwrite a Secure cookie.
    if (
      !secureOrigin &&
      this.#cookies.some(
        (c) =>
          c.secure &&
          c.name === cookie.name &&
          (domainMatches(c.domain, cookie.domain) || domainMatches(cookie.domain, c.domain)) &&
          pathMatches(cookie.path, c.path),
      )
    ) {
      return;
    }
    const old = this.#cookies.find(same);
    if (old) cookie.created = old.created;
    this.#cookies = this.#cookies.filter((c) => !same(c));
    if (cookie.expires === undefined || cookie.expires > now) this.#cookies.push(cookie);
  }

  /** The Cookie header value for a request to `url`, or undefined when none applies. */
  header(url: URL, context: CookieRequestContext): string | undefined {
    this.#expire();
    const host = hostOf(url);
    const path = url.pathname || '/';
    const secure = url.protocol === 'https:';
    const sending = this.#cookies
      .filter((c) => (c.hostOnly ? c.domain === host : domainMatches(host, c.domain)))
      .filter((c) => pathMatches(path, c.path))
      .filter((c) => secure || !c.secure)
      .filter((c) => {
        if (context.sameSite || c.sameSite === undefined || c.sameSite === 'none') return true;
        return c.sameSite === 'lax' && context.laxAllowed;
      })
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created);
    if (!sending.length) return undefined;
    return sending.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}
