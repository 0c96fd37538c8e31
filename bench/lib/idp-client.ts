/**
 * The load generator of the IdP benchmark, in a worker thread (its own event loop; it still
 * shares the cores). It keeps one signed-in browser per client: a cookie jar holding the
 * Sekisho session and, after the first flow, the OIDC provider's session. Jobs:
 * - `sign-in`: each client signs in once through the login form (the "existing session");
 * - `oidc`: code flows with PKCE S256 on the signed-in browsers: /oidc/auth, redirects inside
 *   Sekisho up to the 303 to the redirect URI, then the code at /oidc/token
 *   (client_secret_basic + verifier) for an ID token of the expected alg;
 * - `saml`: SP-initiated AuthnRequests by HTTP-Redirect (DEFLATE, base64) answered by the
 *   auto-POST form with a successful SAMLResponse in response to that request;
 * - `login`: sequential complete logins with a fresh cookie jar each (the last user):
 *   authorization request, login form, credentials, interaction, code, token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';
import { Browser, loopbackAgent, type Page } from './https-browser.ts';
import type { OidcClient } from './idp-setup.ts';

export interface IdpClientSetup {
  origin: string;
  ca: string;
  slug: string;
  clients: number;
  users: { loginId: string; password: string }[];
  redirectUri: string;
  oidc: { RS256: OidcClient; ES256: OidcClient };
  saml: { entityId: string; acsUrl: string };
}

export type Job =
  | { kind: 'sign-in' }
  | { kind: 'oidc'; alg: 'RS256' | 'ES256'; seconds: number; record: boolean }
  | { kind: 'saml'; seconds: number; record: boolean }
  | { kind: 'login'; count: number; seconds: number };

export interface JobResult {
  ops: number;
  errors: number;
  firstError?: string | undefined;
  wallMs: number;
  /** Latency of each complete operation (ms). */
  ms: number[];
  /** HTTP requests per operation, summed (token request included for OIDC). */
  requests: number;
  /** CPU milliseconds of this (load generator) thread during the job. */
  cpuMs: number;
  /** One artefact of the last operation: an ID token or a decoded SAML Response. */
  sample?: string | undefined;
}

const setup = workerData as IdpClientSetup;
const agent = loopbackAgent(setup.ca, setup.clients);
const base = `/t/${setup.slug}`;
const browsers: Browser[] = [];
const b64url = (b: Buffer) => b.toString('base64url');
const unescape = (v: string) =>
  v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&'); // prettier-ignore

/** POSTs the login form on `page` (the sign-in page) and follows on; 303 expected. */
async function submitLogin(b: Browser, page: Page, user: IdpClientSetup['users'][number]) {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const ret = /name="return" value="([^"]*)"/.exec(page.body)?.[1];
  if (page.status !== 200 || !csrf) throw new Error(`login form: ${page.status}, no _csrf`);
  const form = { _csrf: csrf, ...user, ...(ret !== undefined && { return: unescape(ret) }) };
  const res = await b.postForm(`${base}/login`, form);
  if (res.status !== 303) throw new Error(`POST login: ${res.status}`);
  return res;
}

/** One code flow; signs in on the way when `user` is given and the login page comes up. */
async function oidcFlow(b: Browser, alg: 'RS256' | 'ES256', user?: IdpClientSetup['users'][0]) {
  const client = setup.oidc[alg];
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(12));
  const query = new URLSearchParams({
    ...{ client_id: client.clientId, response_type: 'code', scope: 'openid email profile' },
    ...{ redirect_uri: setup.redirectUri, state, nonce: b64url(randomBytes(12)) },
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  });
  let hop = await b.follow(`${base}/oidc/auth?${query}`);
  let requests = hop.hops;
  if (user && !hop.left && hop.page.url.includes(`${base}/login`)) {
    hop = await b.follow('', await submitLogin(b, hop.page, user));
    requests += hop.hops + 1;
  }
  if (!hop.left?.startsWith(`${setup.redirectUri}?`))
    throw new Error(`auth: ended at ${hop.page.status} ${hop.page.url} (${hop.left ?? ''})`);
  const callback = new URL(hop.left).searchParams;
  const code = callback.get('code');
  if (!code || callback.get('state') !== state) throw new Error(`callback: ${hop.left}`);
  const basic = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.secret)}`;
  const grant = { grant_type: 'authorization_code', code, redirect_uri: setup.redirectUri };
  const res = await b.postForm(
    `${base}/oidc/token`,
    { ...grant, code_verifier: verifier },
    { authorization: `Basic ${Buffer.from(basic).toString('base64')}` },
  );
  const idToken = (JSON.parse(res.body || '{}') as { id_token?: string }).id_token;
  if (res.status !== 200 || !idToken) throw new Error(`token: ${res.status} ${res.body}`);
  const header = JSON.parse(Buffer.from(idToken.split('.')[0] ?? '', 'base64url').toString()) as {
    alg?: string;
  };
  if (header.alg !== alg) throw new Error(`ID token signed ${header.alg ?? '?'}, not ${alg}`);
  return { requests: requests + 1, sample: idToken };
}

async function samlFlow(b: Browser) {
  const sp = setup.saml;
  const id = `_${randomBytes(16).toString('hex')}`;
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ` +
    `xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" ` +
    `IssueInstant="${new Date().toISOString()}" Destination="${setup.origin}${base}/saml/sso" ` +
    `AssertionConsumerServiceURL="${sp.acsUrl}" ` +
    `ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${sp.entityId}</saml:Issuer>` +
    `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" ` +
    `AllowCreate="true"/></samlp:AuthnRequest>`;
  const request = encodeURIComponent(deflateRawSync(xml).toString('base64'));
  const hop = await b.follow(`${base}/saml/sso?SAMLRequest=${request}&RelayState=bench`);
  const form = /<form id="saml-post" method="post" action="([^"]*)">/.exec(hop.page.body);
  const value = /<input type="hidden" name="SAMLResponse" value="([^"]*)">/.exec(hop.page.body);
  if (hop.page.status !== 200 || unescape(form?.[1] ?? '') !== sp.acsUrl || !value?.[1])
    throw new Error(`sso: ${hop.page.status} ${hop.page.url} ${hop.left ?? ''}, no POST form`);
  const response = Buffer.from(unescape(value[1]), 'base64').toString('utf8');
  if (!response.includes(`InResponseTo="${id}"`) || !/:status:Success"/.test(response))
    throw new Error(`SAMLResponse is not a success for ${id}: ${response.slice(0, 400)}`);
  return { requests: hop.hops, sample: response };
}

async function signIn(b: Browser, user: IdpClientSetup['users'][number]) {
  const res = await submitLogin(b, await b.send('GET', `${base}/login`), user);
  if (!res.location?.endsWith('/portal')) throw new Error(`sign-in: to ${res.location ?? '?'}`);
}

async function run(job: Job): Promise<JobResult> {
  const result: JobResult = { ops: 0, errors: 0, wallMs: 0, ms: [], requests: 0, cpuMs: 0 };
  const cpu0 = process.threadCpuUsage();
  const start = performance.now();
  const once = async (op: () => Promise<{ requests: number; sample: string }>) => {
    const t0 = performance.now();
    const r = await op().catch((err: unknown) => {
      result.errors++;
      result.firstError ??= err instanceof Error ? err.message : String(err);
    });
    if (!r) return;
    result.ms.push(performance.now() - t0);
    result.ops++;
    result.requests += r.requests;
    result.sample = r.sample;
  };
  if (job.kind === 'sign-in') {
    for (let i = 0; i < setup.clients; i++) browsers.push(new Browser(setup.origin, agent));
    await Promise.all(browsers.map((b, i) => signIn(b, setup.users[i]!)));
  } else if (job.kind === 'login') {
    const user = setup.users[setup.clients]!; // not one of the signed-in clients' users
    const deadline = start + job.seconds * 1000;
    for (let i = 0; i < job.count && performance.now() < deadline; i++)
      await once(() => oidcFlow(new Browser(setup.origin, agent), 'RS256', user));
  } else {
    const deadline = start + job.seconds * 1000;
    const op = (b: Browser) => (job.kind === 'saml' ? samlFlow(b) : oidcFlow(b, job.alg));
    const loop = async (b: Browser) => {
      while (performance.now() < deadline) await once(() => op(b));
    };
    await Promise.all(browsers.map(loop));
    if (!job.record) Object.assign(result, { ops: 0, ms: [], requests: 0 });
  }
  result.wallMs = performance.now() - start;
  const cpu = process.threadCpuUsage(cpu0);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}

parentPort?.on('message', (job: Job) => {
  run(job).then(
    (result) => parentPort?.postMessage(result),
    (err: unknown) => parentPort?.postMessage({ fatal: String(err) }),
  );
});
