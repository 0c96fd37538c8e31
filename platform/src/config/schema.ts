/**
 * The configuration table: one row per setting, with its environment variable, its key in
 * the optional JSON config file, the parser, the default and the documentation. The README's
 * configuration table is generated from these rows (`npx sekisho config-doc`).
 */
import * as p from './parsers.ts';

interface Entry<T> {
  env: string;
  parse: p.Parser<T>;
  doc: string;
  secret?: boolean;
}

interface DefaultedEntry<T> extends Entry<T> {
  default: T | ((partial: Record<string, unknown>) => T);
}

/** A setting with a default. */
function entry<T>(e: DefaultedEntry<T>): DefaultedEntry<T> {
  return e;
}

/** A setting that may stay unset. */
function optional<T>(e: Entry<T>): Entry<T> {
  return e;
}

export const CONFIG_ENTRIES = {
  port: entry({ env: 'PORT', parse: p.port(), default: 8443, doc: 'HTTPS port' }),
  host: entry({
    env: 'HOST',
    parse: p.text(),
    default: '127.0.0.1',
    doc: 'address to listen on; loopback by default, 0.0.0.0 or :: to serve the network',
  }),
  publicUrl: entry({
    env: 'PUBLIC_URL',
    parse: p.baseUrl(),
    default: (c) => `https://localhost:${String(c.port)}`,
    doc: 'external base URL; OIDC issuers and SAML entity IDs derive from it',
  }),
  dataDir: entry({
    env: 'DATA_DIR',
    parse: p.text(),
    default: './data',
    doc: 'directory for the embedded database, keys, TLS certificate and outbox',
  }),
  databaseUrl: optional({
    env: 'DATABASE_URL',
    parse: p.url(['postgres:', 'postgresql:']),
    doc: 'PostgreSQL server; unset = embedded PGlite under DATA_DIR',
    secret: true,
  }),
  redisUrl: optional({
    env: 'REDIS_URL',
    parse: p.url(['redis:', 'rediss:']),
    doc: 'Redis server for shared ephemeral state; unset = in-process (one node only)',
    secret: true,
  }),
  redisKeyPrefix: entry({
    env: 'REDIS_KEY_PREFIX',
    parse: p.text(1),
    default: 'sekisho:',
    doc: 'prefix of every key and channel in Redis, so deployments can share one server',
  }),
  smtpUrl: optional({
    env: 'SMTP_URL',
    parse: p.url(['smtp:', 'smtps:']),
    doc: 'SMTP server for mail; unset = .eml files in DATA_DIR/outbox',
    secret: true,
  }),
  mailFrom: entry({
    env: 'MAIL_FROM',
    parse: p.text(3),
    default: 'Sekisho <no-reply@sekisho.localhost>',
    doc: 'From address of mail Sekisho sends',
  }),
  masterKey: optional({
    env: 'SEKISHO_MASTER_KEY',
    parse: p.key32(),
    doc: 'master key (32 bytes, base64 or hex) encrypting secrets at rest; unset = generated into DATA_DIR/master.key (0600)',
    secret: true,
  }),
  logLevel: entry({
    env: 'LOG_LEVEL',
    parse: p.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    default: 'info',
    doc: 'log level',
  }),
  trustedProxies: entry({
    env: 'TRUSTED_PROXIES',
    parse: p.cidrList(),
    default: [] as string[],
    doc: 'comma-separated addresses/CIDRs whose Forwarded/X-Forwarded-For headers are honoured',
  }),
  demoTenant: entry({
    env: 'SEKISHO_DEMO_TENANT',
    parse: p.boolean(),
    default: true,
    doc: "create the 'demo' tenant and its admin on first start",
  }),
  auditRetentionDays: entry({
    env: 'AUDIT_RETENTION_DAYS',
    parse: p.integer(1, 3650),
    default: 365,
    doc: 'audit events older than this are purged (daily job)',
  }),
  lockoutThreshold: entry({
    env: 'LOCKOUT_THRESHOLD',
    parse: p.integer(1, 100),
    default: 5,
    doc: 'wrong passwords for one account within LOCKOUT_WINDOW_SECONDS that lock it',
  }),
  lockoutWindowSeconds: entry({
    env: 'LOCKOUT_WINDOW_SECONDS',
    parse: p.integer(10, 86400),
    default: 300,
    doc: 'window in which wrong passwords are counted',
  }),
  lockoutDurationSeconds: entry({
    env: 'LOCKOUT_DURATION_SECONDS',
    parse: p.integer(10, 604800),
    default: 900,
    doc: 'how long a locked account stays locked (an admin can unlock earlier)',
  }),
  ipFailureLimit: entry({
    env: 'IP_FAILURE_LIMIT',
    parse: p.integer(1, 100000),
    default: 20,
    doc: 'failed logins from one IP address within IP_FAILURE_WINDOW_SECONDS before it is throttled',
  }),
  ipFailureWindowSeconds: entry({
    env: 'IP_FAILURE_WINDOW_SECONDS',
    parse: p.integer(1, 86400),
    default: 60,
    doc: 'window of the per-IP failure count; a throttled IP waits until it ends',
  }),
  sessionIdleMinutes: entry({
    env: 'SESSION_IDLE_MINUTES',
    parse: p.integer(1, 10080),
    default: 120,
    doc: 'a browser session ends after this long without a request',
  }),
  sessionMaxHours: entry({
    env: 'SESSION_MAX_HOURS',
    parse: p.integer(1, 744),
    default: 168,
    doc: 'a browser session ends this long after sign-in, whatever the activity',
  }),
  resetTokenMinutes: entry({
    env: 'RESET_TOKEN_MINUTES',
    parse: p.integer(5, 1440),
    default: 30,
    doc: 'lifetime of a password-reset link',
  }),
  passwordMinLength: entry({
    env: 'PASSWORD_MIN_LENGTH',
    parse: p.integer(8, 128),
    default: 12,
    doc: 'minimum password length',
  }),
  oidcBackchannelAllowPrivate: entry({
    env: 'OIDC_BACKCHANNEL_ALLOW_PRIVATE',
    parse: p.boolean(),
    default: false,
    doc: 'let OIDC back-channel logout reach private and loopback addresses (intranet RPs); off = SSRF protection',
  }),
  anchorCrlAllowPrivate: entry({
    env: 'ANCHOR_CRL_ALLOW_PRIVATE',
    parse: p.boolean(),
    default: false,
    doc: "let trust-anchor CRLs be fetched from private and loopback addresses (an intranet CA's distribution point); off = SSRF protection",
  }),
  shutdownGraceSeconds: entry({
    env: 'SHUTDOWN_GRACE_SECONDS',
    parse: p.integer(1, 600),
    default: 25,
    doc: 'on SIGTERM, how long in-flight requests may take before the process exits',
  }),
  trustedProxyHeader: entry<'x-forwarded-for' | 'forwarded'>({
    env: 'TRUSTED_PROXY_HEADER',
    parse: p.oneOf(['x-forwarded-for', 'forwarded'] as const),
    default: 'x-forwarded-for',
    doc: 'the one header TRUSTED_PROXIES write the client address into (X-Forwarded-For or RFC 7239 Forwarded); the other is ignored',
  }),
  forwardedCertHeader: optional({
    env: 'FORWARDED_CERT_HEADER',
    parse: (raw) =>
      typeof raw === 'string' && /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/.test(raw.trim())
        ? { ok: true, value: raw.trim().toLowerCase() }
        : { ok: false, expected: 'an HTTP header name, such as X-Client-Cert' },
    doc: 'header in which TRUSTED_PROXIES forward the verified client certificate (URL-encoded PEM); unset = only certificates from our own TLS handshake',
  }),
  mtlsPort: optional({
    env: 'MTLS_PORT',
    parse: p.port(),
    doc: 'second HTTPS port whose handshake asks for a device certificate (mutual TLS), on HOST; unset = no such listener; 0 = any free port',
  }),
  mtlsPublicUrl: optional({
    env: 'MTLS_PUBLIC_URL',
    parse: (raw) => {
      const parsed = p.baseUrl()(raw);
      return parsed.ok && parsed.value.startsWith('https:')
        ? parsed
        : { ok: false, expected: 'an https:// URL without query' };
    },
    doc: "URL users reach the MTLS_PORT listener at; unset = PUBLIC_URL's host with MTLS_PORT",
  }),
} as const;

type Entries = typeof CONFIG_ENTRIES;
type ValueOf<E> =
  E extends DefaultedEntry<infer T> ? T : E extends Entry<infer T> ? T | undefined : never;

/** The validated, frozen configuration. */
export type Config = { readonly [K in keyof Entries]: ValueOf<Entries[K]> };
