/**
 * A minimal browser for the benchmarks: HTTPS to loopback only, through a keep-alive Agent
 * that trusts exactly the server's self-signed certificate; a cookie jar (name, path,
 * Max-Age/Expires deletion) per browser; and redirect following that stops where a redirect
 * leaves the server (to a relying party's redirect URI or an SP's endpoint).
 */
import { Agent, request } from 'node:https';

export interface Page {
  status: number;
  location: string | undefined;
  body: string;
  /** The URL that was requested. */
  url: string;
}

export function loopbackAgent(ca: string, maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, ca });
}

export class Browser {
  readonly origin: string;
  #agent: Agent;
  #jar = new Map<string, { value: string; path: string }>();

  constructor(origin: string, agent: Agent) {
    this.origin = origin;
    this.#agent = agent;
  }

  /** Whether the jar holds a cookie of this name. */
  has(name: string): boolean {
    return this.#jar.has(name);
  }

  #remember(setCookie: string[]): void {
    for (const line of setCookie) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const attr = (key: string) =>
        attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const maxAge = attr('max-age');
      const expires = attr('expires');
      const gone =
        !value ||
        (maxAge !== undefined && Number(maxAge) <= 0) ||
        (expires !== undefined && Date.parse(expires) < Date.now());
      if (gone) this.#jar.delete(name);
      else this.#jar.set(name, { value, path: attr('path') ?? '/' });
    }
  }

  #cookies(path: string): string {
    return [...this.#jar]
      .filter(([, c]) => path.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  /** Sends one request to this origin; `target` is a path or an absolute URL of the origin. */
  send(method: string, target: string, body?: string, headers: Record<string, string> = {}) {
    const url = new URL(target, this.origin);
    if (url.origin !== this.origin) throw new Error(`refusing to leave loopback: ${url.origin}`);
    const path = url.pathname + url.search;
    const all: Record<string, string> = { 'accept-language': 'en', ...headers };
    const cookie = this.#cookies(url.pathname);
    if (cookie) all.cookie = cookie;
    if (body !== undefined) all['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Page>((resolve, reject) => {
      const req = request(
        {
          ...{ host: url.hostname, port: url.port, method, path, headers: all },
          ...{ agent: this.#agent, timeout: 30_000 },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('error', reject);
          res.on('end', () => {
            this.#remember(res.headers['set-cookie'] ?? []);
            const location = res.headers.location;
            resolve({ status: res.statusCode ?? 0, location, body: text, url: url.href });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  postForm(target: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    const body = new URLSearchParams(form).toString();
    const type = { 'content-type': 'application/x-www-form-urlencoded' };
    return this.send('POST', target, body, { ...type, ...headers });
  }

  /**
   * GETs `target` and follows redirects while they stay on this origin. Returns the last page
   * and, when a redirect left the origin, where it pointed (`left`); `hops` counts requests.
   */
  async follow(target: string, first?: Page, max = 12) {
    let page = first ?? (await this.send('GET', target));
    let hops = first ? 0 : 1;
    for (; hops <= max; hops++) {
      if (page.status < 300 || page.status >= 400 || !page.location) return { page, hops };
      const next = new URL(page.location, page.url);
      if (next.origin !== this.origin) return { page, hops, left: next.href };
      page = await this.send('GET', next.href);
    }
    throw new Error(`more than ${max} redirects from ${target}`);
  }
}
