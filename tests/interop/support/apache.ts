/**
 * A private Apache httpd for one interop peer: its own config file, temp directory and
 * loopback port; stopped by PID. Debian's packaged modules (mod_shib, mod_auth_mellon,
 * mod_auth_openidc) are loaded from /usr/lib/apache2/modules; nothing under /etc/apache2 is
 * read, and no system service is started.
 *
 * What runs where:
 * - `apache2 -f <dir>/httpd.conf -DFOREGROUND` with the prefork MPM and mod_cgi; the
 *   protected location of each peer is an echo CGI (Perl, which Debian always has) that
 *   answers with its whole environment as JSON: REMOTE_USER, AUTH_TYPE and the attributes
 *   the SP/RP module exported (Shibboleth attributes, MELLON_*, OIDC_CLAIM_*).
 * - As root, Apache's children run as www-data (Apache refuses `User root`), so the
 *   directory is made world-readable (0755); keys stay 0600, read by the root parent at
 *   start-up (mellon) or by root shibd. As another user, Apache runs as that user.
 * - ErrorLog and the access log are files in `<dir>/logs` (Apache cannot open /dev/stderr
 *   when it is the socket node's `spawn` gives it: ENXIO); `output()` returns their tails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  aptGet,
  ensureDebianPackages,
  findCommand,
  freePort,
  type DebianNeed,
} from '@sekisho/platform/test-support';
import { answersHttp, startPeer, waitForPeer, type Peer } from './process.ts';

export const APACHE_MODULE_DIR = '/usr/lib/apache2/modules';

/** Optional Apache modules the peers use, with the Debian package and LoadModule name. */
export const PEER_MODULES = {
  shib: {
    pkg: 'libapache2-mod-shib',
    command: 'shibd',
    load: 'mod_shib',
    file: 'mod_shib.so',
    logId: 'mod_shib',
  },
  auth_mellon: {
    pkg: 'libapache2-mod-auth-mellon',
    command: 'mellon_create_metadata',
    load: 'auth_mellon_module',
    file: 'mod_auth_mellon.so',
    logId: 'auth_mellon',
  },
  auth_openidc: {
    pkg: 'libapache2-mod-auth-openidc',
    command: undefined,
    load: 'auth_openidc_module',
    file: 'mod_auth_openidc.so',
    logId: 'auth_openidc',
  },
} as const;

export type PeerModule = keyof typeof PEER_MODULES;

const BASE_MODULES: readonly [string, string][] = [
  ['mpm_prefork_module', 'mod_mpm_prefork.so'],
  ['authn_core_module', 'mod_authn_core.so'],
  ['authz_core_module', 'mod_authz_core.so'],
  ['authz_user_module', 'mod_authz_user.so'],
  ['authz_host_module', 'mod_authz_host.so'],
  ['alias_module', 'mod_alias.so'],
  ['cgi_module', 'mod_cgi.so'],
];

/** apache2, shibd and friends live in /usr/sbin, which a non-root PATH may lack. */
function sbinOnPath(): void {
  const path = (process.env.PATH ?? '').split(':');
  const missing = ['/usr/sbin', '/sbin'].filter((d) => !path.includes(d));
  if (missing.length) process.env.PATH = [...path, ...missing].filter(Boolean).join(':');
}

/**
 * Installs (as root, with apt-get) what the peers need when missing: apache2 and the packages
 * of `modules`. mod_auth_openidc's package has no command, which `ensureDebianPackages`
 * (command-based) cannot see, so its module file is checked and installed here.
 */
export async function ensureApache(modules: readonly PeerModule[]): Promise<void> {
  sbinOnPath();
  const needs: DebianNeed[] = [
    { command: 'apache2', pkg: 'apache2' },
    { command: 'perl', pkg: 'perl-base' },
  ];
  for (const m of modules) {
    const { command, pkg } = PEER_MODULES[m];
    if (command) needs.push({ command, pkg });
  }
  await ensureDebianPackages(needs);
  const missing = modules
    .filter((m) => !existsSync(join(APACHE_MODULE_DIR, PEER_MODULES[m].file)))
    .map((m) => PEER_MODULES[m].pkg);
  if (!missing.length) return;
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  if (process.getuid?.() !== 0 || !findCommand('apt-get')) {
    throw new Error(
      `Interop tests need ${missing.join(', ')}; as root: apt-get ${install.join(' ')}`,
    );
  }
  try {
    await aptGet(install);
  } catch {
    await aptGet(['update']);
    await aptGet(install);
  }
  const still = missing.filter((pkg) =>
    modules.some(
      (m) =>
        PEER_MODULES[m].pkg === pkg && !existsSync(join(APACHE_MODULE_DIR, PEER_MODULES[m].file)),
    ),
  );
  if (still.length)
    throw new Error(`apt-get ${install.join(' ')} did not provide ${still.join(', ')}`);
}

/** The echo CGI: the request's environment as one JSON object. */
const ECHO_CGI = String.raw`#!/usr/bin/perl
# Prints the CGI environment as JSON: what the protecting module exported to the application.
use strict;
sub js { my $s = shift; $s =~ s/(["\\])/\\$1/g; $s =~ s/([\x00-\x1f])/sprintf("\\u%04x", ord($1))/ge; return "\"$s\""; }
print "Content-Type: application/json\r\nCache-Control: no-store\r\n\r\n";
print "{", join(",", map { js($_) . ":" . js($ENV{$_}) } sort keys %ENV), "}\n";
`;

/** The last `lines` lines of a log file ('' when it does not exist). */
function tail(path: string, lines = 80): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Parses the echo CGI's answer; throws with the body when it is not the echo. */
export function parseEcho(body: string): Record<string, string> {
  try {
    const env = JSON.parse(body) as unknown;
    if (env && typeof env === 'object' && 'GATEWAY_INTERFACE' in env) {
      return env as Record<string, string>;
    }
  } catch {
    // reported below
  }
  throw new Error(`not the echo CGI's answer:\n${body.slice(0, 3000)}`);
}

/** The values of a multi-valued variable as Apache modules join them (`a;b`). */
export function envValues(env: Record<string, string>, name: string): string[] {
  const value = env[name];
  return value === undefined || value === '' ? [] : value.split(';');
}

export interface SiteAddress {
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  dir: string;
  /** The echo CGI; `ScriptAlias <path> <echoCgi>` puts it behind a location. */
  echoCgi: string;
}

export interface StartApacheOptions {
  /** A name for messages. */
  name: string;
  modules: readonly PeerModule[];
  /** The peer's temp directory (config, logs, keys); the caller removes it. */
  dir: string;
  /** The peer's part of the config (after the base: modules, logs, the echo CGI at /echo). */
  config(site: SiteAddress): string | Promise<string>;
  /** Runs before each start attempt with the port chosen (a retry chooses another port). */
  beforeStart?(site: SiteAddress): Promise<void>;
  /** LogLevel line; default warn, with mod_cgi and the SSO modules at info. */
  logLevel?: string;
  timeoutMs?: number;
}

export interface ApacheServer extends SiteAddress {
  readonly peer: Peer;
  configPath: string;
  output(): string;
  stop(): Promise<void>;
}

function baseConfig(site: SiteAddress, modules: readonly PeerModule[], logLevel: string): string {
  const loads = [
    ...BASE_MODULES,
    ...modules.map((m) => [PEER_MODULES[m].load, PEER_MODULES[m].file] as const),
  ]
    .map(([name, file]) => `LoadModule ${name} ${APACHE_MODULE_DIR}/${file}`)
    .join('\n');
  const asRoot = process.getuid?.() === 0;
  return `# Generated by tests/interop/support/apache.ts
ServerRoot "${site.dir}"
ServerName 127.0.0.1
Listen 127.0.0.1:${site.port}
PidFile "${site.dir}/run/httpd.pid"
DefaultRuntimeDir "${site.dir}/run"
Mutex file:${site.dir}/run default
${loads}
${asRoot ? 'User www-data\nGroup www-data' : '# not root: Apache runs as the current user'}
StartServers 1
MinSpareServers 1
MaxSpareServers 4
MaxRequestWorkers 16
KeepAlive Off
Timeout 30
UseCanonicalName Off
ErrorLog "${site.dir}/logs/error.log"
LogLevel ${logLevel}
LogFormat "%h %u \\"%r\\" %>s %b" interop
CustomLog "${site.dir}/logs/access.log" interop
DocumentRoot "${site.dir}/htdocs"
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "${site.dir}/htdocs">
  Require all granted
</Directory>
<Directory "${site.dir}/cgi">
  Options +ExecCGI
  Require all granted
</Directory>
ScriptAlias /echo "${site.echoCgi}"
`;
}

/**
 * Starts Apache on a free loopback port with the base config plus the peer's; resolves once
 * it answers HTTP. A port taken meanwhile is retried with another one (`beforeStart` and
 * `config` run again).
 */
export async function startApache(options: StartApacheOptions): Promise<ApacheServer> {
  const { dir } = options;
  const apache2 = findCommand('apache2');
  if (!apache2) throw new Error('apache2 not found: call ensureApache() first');
  await mkdir(join(dir, 'run'), { recursive: true });
  await mkdir(join(dir, 'htdocs'), { recursive: true });
  await mkdir(join(dir, 'cgi'), { recursive: true });
  await mkdir(join(dir, 'logs'), { recursive: true });
  const echoCgi = join(dir, 'cgi', 'echo.cgi');
  await writeFile(echoCgi, ECHO_CGI, { mode: 0o755 });
  if (process.getuid?.() === 0) {
    for (const d of [dir, join(dir, 'cgi'), join(dir, 'htdocs')]) await chmod(d, 0o755);
  }
  const logLevel =
    options.logLevel ??
    ['warn', 'cgi:info', ...options.modules.map((m) => `${PEER_MODULES[m].logId}:info`)].join(' ');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const site: SiteAddress = { port, origin: `http://127.0.0.1:${port}`, dir, echoCgi };
    await options.beforeStart?.(site);
    const configPath = join(dir, 'httpd.conf');
    const config = `${baseConfig(site, options.modules, logLevel)}\n${await options.config(site)}\n`;
    await writeFile(configPath, config);
    const peer = startPeer(options.name, apache2, ['-f', configPath, '-DFOREGROUND'], {
      cwd: dir,
      env: { ...process.env, LANG: 'C' },
    });
    try {
      await waitForPeer(peer, () => answersHttp(port, '/echo'), options.timeoutMs ?? 20_000);
    } catch (err) {
      const portTaken = /could not bind|Address already in use/i.test(peer.output());
      await peer.stop();
      if (portTaken && attempt < 3) continue;
      throw err;
    }
    return {
      ...site,
      peer,
      configPath,
      output: () =>
        [
          `--- ${options.name} (apache2 -f ${configPath})`,
          peer.output(),
          '--- error.log',
          tail(join(dir, 'logs', 'error.log')),
          '--- access.log',
          tail(join(dir, 'logs', 'access.log')),
        ].join('\n'),
      stop: () => peer.stop(),
    };
  }
}
