/**
 * Sekisho as the interop peers see it: the real server started in-process over HTTPS
 * (`startServer`), on a free loopback port, with a fresh database (on the test harness's
 * PostgreSQL when there is one, else PGlite in the temp data directory), one tenant, one
 * user and an admin API token; applications registered through the admin API as an admin
 * would.
 *
 * Admin API payloads assumed (idp/src/admin/app-routes.ts, app-kinds.ts, and for SAML
 * idp/src/saml/sp-config.ts + sp-metadata.ts: the metadata gives entityID, ACS, keys and
 * NameID format; the admin's `config` adds what metadata cannot say, such as attributes):
 *   POST /api/tenants/{tenant}/applications
 *     { kind: 'saml', name, metadataXml, config: { attributes: [{ name, nameFormat,
 *       friendlyName, source }], encryptAssertion? } }
 *     { kind: 'oidc', name, config: { redirectUris, grantTypes, tokenEndpointAuthMethod } }
 *   201 { id, kind, name, identifier, enabled, config, settings, secrets?: { clientSecret } }
 *   (the client ID is read from `settings.clientId`, `config.clientId`, `identifier` or a
 *   top-level `clientId`; the secret from `secrets.clientSecret` or `clientSecret`).
 */
import { request as httpsRequest, Agent } from 'node:https';
import { hashPassword, loadConfig, type Tenant, type User } from '@sekisho/platform';
import { startServer, type RunningServer } from '@sekisho/gateway';
import {
  createDatabaseOn,
  freePort,
  makeTempDir,
  removeAtExit,
} from '@sekisho/platform/test-support';

export interface InteropUser {
  loginId: string;
  password: string;
  email: string;
  displayName: string;
  user: User;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  text: string;
}

export interface RegisteredApplication {
  id: string;
  raw: Record<string, unknown>;
}

export interface RegisteredOidcClient extends RegisteredApplication {
  clientId: string;
  clientSecret: string;
}

export interface SekishoUnderTest {
  /** `https://<host>:<port>`, the PUBLIC_URL. */
  origin: string;
  server: RunningServer;
  tenant: Tenant;
  /** OIDC issuer, `{origin}/t/{tenant}`. */
  issuer: string;
  discoveryUrl: string;
  samlMetadataUrl: string;
  user: InteropUser;
  /** A global-admin API token of the tenant. */
  apiToken: string;
  /** Calls the admin API with the token. */
  api(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  /** GET over HTTPS (self-signed certificate accepted), no token. */
  get(path: string): Promise<ApiResponse>;
  /** The IdP's SAML metadata, as SPs download it. */
  samlIdpMetadata(): Promise<string>;
  /** Registers an SP from its metadata plus `config` (default: SAML_ATTRIBUTE_RELEASE). */
  registerSamlSp(
    name: string,
    metadataXml: string,
    config?: Record<string, unknown>,
  ): Promise<RegisteredApplication>;
  registerOidcClient(name: string, redirectUri: string): Promise<RegisteredOidcClient>;
  /** Warnings and errors Sekisho logged, for assertion messages. */
  output(): string;
  close(): Promise<void>;
}

export interface StartSekishoOptions {
  /**
   * The host of PUBLIC_URL. `127.0.0.1` puts Sekisho in the same cookie namespace as the
   * SPs (browsers ignore ports), as on a developer machine; `localhost` keeps it apart.
   */
  host?: 'localhost' | '127.0.0.1';
  tenantSlug?: string;
  /** Extra settings (environment names, e.g. LOG_LEVEL). */
  env?: Record<string, string>;
}

/**
 * The attributes SAML SPs get in these tests: e-mail and display name under their LDAP OIDs
 * (uri format), the names the SPs' default maps know (and what they request in metadata).
 */
export const SAML_ATTRIBUTE_RELEASE = [
  {
    name: 'urn:oid:0.9.2342.19200300.100.1.3',
    nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    friendlyName: 'mail',
    source: 'email',
  },
  {
    name: 'urn:oid:2.16.840.1.113730.3.1.241',
    nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    friendlyName: 'displayName',
    source: 'displayName',
  },
] as const;

export const INTEROP_PASSWORD = 'interop horse battery staple 2026';

const insecure = new Agent({ rejectUnauthorized: false, keepAlive: false });

function httpsCall(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, agent: insecure, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        if (/json/.test(String(res.headers['content-type'] ?? ''))) {
          try {
            parsed = JSON.parse(text);
          } catch {
            // keep the text
          }
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.toString()} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

/** The tenant, its one user (e-mail login, INTEROP_PASSWORD) and a global-admin token. */
async function seed(server: RunningServer, slug: string) {
  const { platform } = server;
  const tenant = await platform.tenants.create({ slug, name: `Interop ${slug}`, maxUsers: 10 });
  const email = `alice@${slug}.example`;
  const user = await platform.users.create(
    tenant.id,
    { loginId: email, displayName: 'Alice Interop', email },
    await hashPassword(INTEROP_PASSWORD),
  );
  const { token: apiToken } = await platform.tokens.create({
    tenantId: tenant.id,
    name: 'interop',
    role: 'global_admin',
  });
  return { tenant, user, apiToken };
}

export async function startSekisho(options: StartSekishoOptions = {}): Promise<SekishoUnderTest> {
  const host = options.host ?? 'localhost';
  const dataDir = await makeTempDir('sekisho-interop-');
  const removeDir = removeAtExit(dataDir);
  let dropDb: (() => Promise<void>) | undefined;
  const env: Record<string, string> = {};
  if (process.env.TEST_DATABASE_URL) {
    const db = await createDatabaseOn(process.env.TEST_DATABASE_URL);
    env.DATABASE_URL = db.url;
    dropDb = db.drop;
  }
  const logLines: string[] = [];
  const logger = {
    level: 'warn',
    stream: {
      write(line: string) {
        logLines.push(line.trimEnd());
        if (logLines.length > 200) logLines.splice(0, logLines.length - 200);
      },
    },
  };
  let server: RunningServer | undefined;
  let port = 0;
  try {
    for (let attempt = 1; !server; attempt++) {
      port = await freePort();
      const config = loadConfig({
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `https://${host}:${port}`,
        SEKISHO_DEMO_TENANT: 'false',
        LOG_LEVEL: 'warn',
        ...env,
        ...options.env,
      });
      try {
        server = await startServer(config, { logger });
      } catch (err) {
        if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await dropDb?.();
    removeDir();
    throw err;
  }
  const running = server;
  const origin = `https://${host}:${port}`;
  const slug = options.tenantSlug ?? 'interop';
  const close = async () => {
    await running.close();
    await dropDb?.();
    removeDir();
  };
  let seeded: { tenant: Tenant; user: User; apiToken: string };
  try {
    seeded = await seed(running, slug);
  } catch (err) {
    await close();
    throw err;
  }
  const { tenant, user, apiToken } = seeded;
  const { email, displayName } = user;
  const issuer = `${origin}/t/${slug}`;

  const api = (method: string, path: string, body?: unknown) =>
    httpsCall(
      new URL(path, origin),
      method,
      {
        authorization: `Bearer ${apiToken}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
  const output = () => `--- sekisho (${origin}) warnings and errors\n${logLines.join('\n')}`;
  const created = (res: ApiResponse, what: string): Record<string, unknown> => {
    if (res.status !== 201 && res.status !== 200) {
      throw new Error(`registering ${what}: ${res.status}\n${res.text}\n${output()}`);
    }
    return record(res.body);
  };

  return {
    origin,
    server: running,
    tenant,
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    samlMetadataUrl: `${issuer}/saml/metadata`,
    user: { loginId: email, password: INTEROP_PASSWORD, email, displayName, user },
    apiToken,
    api,
    get: (path) => httpsCall(new URL(path, origin), 'GET', {}),
    async samlIdpMetadata() {
      const res = await httpsCall(new URL(`/t/${slug}/saml/metadata`, origin), 'GET', {});
      if (res.status !== 200 || !/EntityDescriptor/.test(res.text)) {
        throw new Error(`GET ${issuer}/saml/metadata: ${res.status}\n${res.text.slice(0, 2000)}`);
      }
      return res.text;
    },
    async registerSamlSp(name, metadataXml, config = { attributes: SAML_ATTRIBUTE_RELEASE }) {
      const res = await api('POST', `/api/tenants/${slug}/applications`, {
        kind: 'saml',
        name,
        metadataXml,
        config,
      });
      const raw = created(res, `SAML SP ${name}`);
      return { id: String(raw.id), raw };
    },
    async registerOidcClient(name, redirectUri) {
      const res = await api('POST', `/api/tenants/${slug}/applications`, {
        kind: 'oidc',
        name,
        config: {
          redirectUris: [redirectUri],
          grantTypes: ['authorization_code'],
          tokenEndpointAuthMethod: 'client_secret_basic',
        },
      });
      const raw = created(res, `OIDC client ${name}`);
      const settings = record(raw.settings);
      const config = record(raw.config);
      const secrets = record(raw.secrets);
      const clientId = firstString(
        settings.clientId,
        config.clientId,
        raw.clientId,
        raw.identifier,
      );
      const clientSecret = firstString(secrets.clientSecret, raw.clientSecret);
      if (!clientId || !clientSecret) {
        throw new Error(`no client ID or secret in the registration answer:\n${res.text}`);
      }
      return { id: String(raw.id), raw, clientId, clientSecret };
    },
    output,
    close,
  };
}
