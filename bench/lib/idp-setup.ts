/**
 * A real Sekisho for the IdP benchmark, in this process: `buildApp` over HTTPS (the
 * self-signed certificate from `ensureTlsCertificate`) on a free loopback port chosen first,
 * so that PUBLIC_URL (the OIDC issuer, the SAML entityID and Destination) names that port;
 * embedded PGlite and the in-process store in a temp dir; logging off; throttling limits
 * raised. One tenant with `users` users (production Argon2id hashes) and a global-admin API
 * token, through which the applications are registered with the admin API: two OIDC clients
 * (RS256 and ES256 ID tokens) and one SAML SP.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, loadConfig, openPlatform, type Platform } from '@sekisho/platform';
import { FEATURE_MIGRATIONS, buildApp, ensureTlsCertificate } from '@sekisho/gateway';

export const REDIRECT_URI = 'https://rp.bench/cb';
export const SP_ENTITY_ID = 'https://sp.bench';
export const SP_ACS = 'https://sp.bench/acs';

export interface OidcClient {
  clientId: string;
  secret: string;
}

export interface IdpBench {
  platform: Platform;
  port: number;
  origin: string;
  ca: string;
  slug: string;
  users: { loginId: string; password: string }[];
  oidc: { RS256: OidcClient; ES256: OidcClient };
  saml: { entityId: string; acsUrl: string };
  close(): Promise<void>;
}

/** A port nobody listens on right now (the server binds it a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export async function startIdp(userCount: number): Promise<IdpBench> {
  const port = await freePort();
  const origin = `https://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sekisho-bench-'));
  const config = loadConfig({
    ...{ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: origin },
    ...{ SEKISHO_DEMO_TENANT: 'false', LOG_LEVEL: 'silent' },
    ...{ IP_FAILURE_LIMIT: '100000', LOCKOUT_THRESHOLD: '100' }, // never throttle the bench
  });
  const platform = await openPlatform(config, { migrations: FEATURE_MIGRATIONS });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const close = async () => {
    await app?.close();
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const tls = ensureTlsCertificate(dataDir, '127.0.0.1');
    app = await buildApp(platform, { https: { key: tls.key, cert: tls.cert }, logger: false });
    await app.listen({ host: '127.0.0.1', port });

    const slug = 'bench';
    const tenant = await platform.tenants.create({ slug, name: 'Bench', maxUsers: userCount });
    const users = Array.from({ length: userCount }, (_, i) => ({
      loginId: `user${i}@bench.example`,
      password: `bench password ${i} ${randomUUID()}`,
    }));
    for (const [i, u] of users.entries()) {
      const profile = { loginId: u.loginId, displayName: `User ${i}` };
      await platform.users.create(tenant.id, profile, await hashPassword(u.password));
    }
    const { token } = await platform.tokens.create({
      ...{ tenantId: tenant.id, name: 'bench', role: 'global_admin' },
    });
    const server = app;
    const register = async (kind: string, name: string, appConfig: Record<string, unknown>) => {
      const res = await server.inject({
        method: 'POST',
        url: `/api/tenants/${slug}/applications`,
        headers: { authorization: `Bearer ${token}` },
        payload: { kind, name, config: appConfig },
      });
      const body = res.json<{ identifier?: string; secrets?: { clientSecret?: string } }>();
      const detail = (body as { detail?: string }).detail ?? res.body;
      return { status: res.statusCode, text: `${res.statusCode} ${detail}`, body };
    };
    const oidcClient = async (alg: 'RS256' | 'ES256'): Promise<OidcClient> => {
      const client = { redirectUris: [REDIRECT_URI], idTokenSignedResponseAlg: alg };
      const r = await register('oidc', `Bench RP ${alg}`, client);
      const { identifier, secrets } = r.body;
      if (r.status !== 201 || !identifier || !secrets?.clientSecret)
        throw new Error(`registering the ${alg} OIDC client: ${r.text}`);
      return { clientId: identifier, secret: secrets.clientSecret };
    };
    const oidc = { RS256: await oidcClient('RS256'), ES256: await oidcClient('ES256') };
    // Defaults kept: Response and assertion both signed (RSA-SHA256), emailAddress NameID.
    const sp = { entityId: SP_ENTITY_ID, acs: [{ url: SP_ACS, binding: 'HTTP-POST' }] };
    const s = await register('saml', 'Bench SP', sp);
    if (s.status !== 201) throw new Error(`registering the SAML SP: ${s.text}`);
    const saml = { entityId: SP_ENTITY_ID, acsUrl: SP_ACS };
    return { platform, port, origin, ca: tls.cert, slug, users, oidc, saml, close };
  } catch (err) {
    await close();
    throw err;
  }
}
