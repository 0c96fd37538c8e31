/**
 * A minimal browser for inject()-based page tests: keeps cookies across requests, posts
 * forms, and reads the CSRF token out of the page the way a real form submission carries it.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export class TestBrowser {
  #app: FastifyInstance;
  #cookies = new Map<string, string>();
  #headers: Record<string, string>;

  #remoteAddress: string | undefined;

  /** `remoteAddress`: the source address the app sees (inject sets the socket address). */
  constructor(app: FastifyInstance, headers: Record<string, string> = {}, remoteAddress?: string) {
    this.#app = app;
    this.#headers = headers;
    this.#remoteAddress = remoteAddress;
  }

  /** Adds a `name=value` cookie (as a browser carries cookies to another node of one site). */
  setCookie(pair: string): void {
    const i = pair.indexOf('=');
    if (i > 0) this.#cookies.set(pair.slice(0, i), pair.slice(i + 1));
  }

  /** The same browser (a copy of its cookies and headers) seen from another address. */
  movedTo(remoteAddress: string): TestBrowser {
    const moved = new TestBrowser(this.#app, this.#headers, remoteAddress);
    for (const [k, v] of this.#cookies) moved.#cookies.set(k, v);
    return moved;
  }

  get cookieHeader(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()))
        this.#cookies.delete(c.name);
      else this.#cookies.set(c.name, encodeURIComponent(c.value)); // light-my-request decodes; the Cookie header needs it encoded
    }
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.#remember(
      await this.#app.inject({
        method: 'GET',
        url,
        ...(this.#remoteAddress && { remoteAddress: this.#remoteAddress }),
        headers: { ...this.#headers, cookie: this.cookieHeader, ...headers },
      }),
    );
  }

  async post(
    url: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.#remember(
      await this.#app.inject({
        method: 'POST',
        url,
        ...(this.#remoteAddress && { remoteAddress: this.#remoteAddress }),
        headers: {
          ...this.#headers,
          cookie: this.cookieHeader,
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        payload: new URLSearchParams(form).toString(),
      }),
    );
  }

  /** GETs a form page and returns the CSRF token it carries. */
  async csrfFrom(url: string): Promise<string> {
    const res = await this.get(url);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m?.[1]) throw new Error(`no CSRF token on ${url} (status ${res.statusCode})`);
    return m[1];
  }

  /** Signs in through the login form; returns the final response of the POST. */
  async login(tenant: string, loginId: string, password: string): Promise<LightMyRequestResponse> {
    const csrf = await this.csrfFrom(`/t/${tenant}/login`);
    return this.post(`/t/${tenant}/login`, { _csrf: csrf, loginId, password });
  }
}
