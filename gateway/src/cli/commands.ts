/**
 * The CLI's commands: the same admin actions as the API, for scripts. Each command is one
 * entry (name, usage, options, run) in this list; `main.ts` parses and dispatches.
 */
import { readFileSync } from 'node:fs';
import { createIdpServices, kindHandler } from '@sekisho/idp';
import { createDeviceCertService } from '@sekisho/device-cert';
import { randomBytes } from 'node:crypto';
import {
  CONFIG_ENTRIES,
  SekishoError,
  checkPasswordRules,
  hashPassword,
  importUsersCsv,
  type Platform,
  type Tenant,
} from '@sekisho/platform';

export type Flags = Record<string, string | boolean | string[] | undefined>;
export interface Command {
  name: string;
  usage: string;
  /** Whether the command needs the stores (all but config-doc). */
  stores: boolean;
  run(platform: Platform | undefined, flags: Flags, args: string[]): Promise<unknown>;
}

const str = (flags: Flags, key: string, required = true): string | undefined => {
  const v = flags[key];
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (required) throw new SekishoError('ERR_VALIDATION', `--${key} is required`);
  return undefined;
};
const int = (flags: Flags, key: string): number | undefined => {
  const v = str(flags, key, false);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new SekishoError('ERR_VALIDATION', `--${key} must be a whole number`);
  return Number(v);
};
const list = (flags: Flags, key: string): string[] => {
  const v = flags[key];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};
async function tenantOf(platform: Platform, flags: Flags): Promise<Tenant> {
  const slug = str(flags, 'tenant')!;
  const tenant = await platform.tenants.getBySlug(slug);
  if (!tenant) throw new SekishoError('ERR_TENANT_NOT_FOUND', `no tenant '${slug}'`);
  return tenant;
}
const cli = { type: 'operator' as const, id: 'cli', name: 'cli' };

export const COMMANDS: readonly Command[] = [
  {
    name: 'tenant create',
    usage:
      '--slug <slug> --name <name> [--max-users N] [--max-device-certs N] [--domain d]... [--locale ja|en]',
    stores: true,
    async run(p, f) {
      const locale = str(f, 'locale', false);
      const tenant = await p!.tenants.create({
        slug: str(f, 'slug')!,
        name: str(f, 'name')!,
        maxUsers: int(f, 'max-users'),
        maxDeviceCerts: int(f, 'max-device-certs'),
        verifiedDomains: list(f, 'domain'),
        defaultLocale: locale === 'en' ? 'en' : locale === 'ja' ? 'ja' : undefined,
      });
      await createDeviceCertService({ platform: p! }).ensureCa(tenant.id);
      await p!.audit.record({
        tenantId: null,
        actor: cli,
        action: 'tenant.create',
        target: { type: 'tenant', id: tenant.id },
        result: 'success',
      });
      return tenant;
    },
  },
  { name: 'tenant list', usage: '', stores: true, run: (p) => p!.tenants.list() },
  {
    name: 'user add',
    usage:
      '--tenant <slug> --login <email> --name <display name> [--group g]... [--locale ja|en] [--password-stdin]',
    stores: true,
    async run(p, f) {
      const tenant = await tenantOf(p!, f);
      const loginId = str(f, 'login')!;
      let hash: string | undefined;
      if (f['password-stdin']) {
        const password = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
        checkPasswordRules(password, loginId, p!.config.passwordMinLength);
        hash = await hashPassword(password);
      }
      const locale = str(f, 'locale', false);
      const user = await p!.users.create(
        tenant.id,
        {
          loginId,
          displayName: str(f, 'name')!,
          groups: list(f, 'group'),
          locale: locale === 'en' || locale === 'ja' ? locale : undefined,
        },
        hash,
      );
      await p!.audit.record({
        tenantId: tenant.id,
        actor: cli,
        action: 'user.create',
        target: { type: 'user', id: user.id },
        result: 'success',
      });
      return user;
    },
  },
  {
    name: 'user import',
    usage: '--tenant <slug> <file.csv>',
    stores: true,
    async run(p, f, args) {
      const tenant = await tenantOf(p!, f);
      if (!args[0]) throw new SekishoError('ERR_VALIDATION', 'name the CSV file to import');
      const report = await importUsersCsv(
        p!.store.db,
        p!.users,
        tenant.id,
        readFileSync(args[0], 'utf8'),
      );
      await p!.audit.record({
        tenantId: tenant.id,
        actor: cli,
        action: 'user.import',
        result: report.rejected.length ? 'failure' : 'success',
        details: { applied: report.applied, rejected: report.rejected.length },
      });
      return { applied: report.applied, rejected: report.rejected };
    },
  },
  {
    name: 'admin create',
    usage:
      '--tenant <slug> --login <email> [--name <display name>] [--role global_admin|device_cert_admin|transfer_admin|read_only_admin]',
    stores: true,
    async run(p, f) {
      const tenant = await tenantOf(p!, f);
      const loginId = str(f, 'login')!;
      let user = await p!.users.getByLoginId(tenant.id, loginId);
      let password: string | undefined;
      if (!user) {
        password = randomBytes(15).toString('base64url');
        user = await p!.users.create(
          tenant.id,
          { loginId, displayName: str(f, 'name', false) ?? loginId },
          await hashPassword(password),
        );
        await p!.users.requirePasswordChange(tenant.id, user.id);
      }
      const grant = await p!.admins.grant(
        tenant.id,
        user.id,
        str(f, 'role', false) ?? 'global_admin',
      );
      await p!.audit.record({
        tenantId: tenant.id,
        actor: cli,
        action: 'admin.grant',
        target: { type: 'user', id: user.id },
        result: 'success',
        details: { role: grant.role },
      });
      return {
        ...grant,
        ...(password && {
          initialPassword: password,
          note: 'shown once; must be changed at first sign-in',
        }),
      };
    },
  },
  {
    name: 'token create',
    usage:
      '(--tenant <slug> --role <admin role> | --operator) --name <name> [--expires <ISO date>]',
    stores: true,
    async run(p, f) {
      const operator = f.operator === true;
      const tenant = operator ? undefined : await tenantOf(p!, f);
      const expires = str(f, 'expires', false);
      const { token, record } = await p!.tokens.create({
        tenantId: tenant?.id ?? null,
        name: str(f, 'name')!,
        role: operator ? 'operator' : str(f, 'role')!,
        createdBy: 'cli',
        expiresAt: expires ? new Date(expires) : null,
      });
      await p!.audit.record({
        tenantId: tenant?.id ?? null,
        actor: cli,
        action: 'token.create',
        target: { type: 'token', id: record.id },
        result: 'success',
      });
      return { token, id: record.id, role: record.role, note: 'the token is shown only this once' };
    },
  },
  {
    name: 'app add',
    usage:
      '--tenant <slug> --kind oidc|saml|wsfed --name <name> [--redirect-uri U]... [--preset google-workspace|microsoft-365-saml|microsoft-365-wsfed --domain d] [--metadata sp-metadata.xml]',
    stores: true,
    async run(p, f) {
      const tenant = await tenantOf(p!, f);
      const kind = str(f, 'kind')!;
      const preset = str(f, 'preset', false);
      const metadata = str(f, 'metadata', false);
      const input = {
        name: str(f, 'name')!,
        ...(kind === 'oidc' && { config: { redirectUris: list(f, 'redirect-uri') } }),
        ...(preset && { preset, presetInput: { domain: list(f, 'domain')[0] } }),
        ...(metadata && { metadataXml: readFileSync(metadata, 'utf8') }),
      };
      const idp = createIdpServices(p!);
      const handler = kindHandler(kind);
      const created = await handler.create(idp, tenant, input);
      await p!.audit.record({
        tenantId: tenant.id,
        actor: cli,
        action: 'application.create',
        target: { type: 'application', id: created.application.id },
        result: 'success',
        details: { kind },
      });
      const settings = handler.settings
        ? await handler.settings(idp, tenant, created.application)
        : {};
      return {
        id: created.application.id,
        identifier: created.application.lookupKey,
        settings,
        ...(created.secrets && {
          secrets: created.secrets,
          note: 'the secret is shown only this once',
        }),
      };
    },
  },
  {
    name: 'app list',
    usage: '--tenant <slug>',
    stores: true,
    async run(p, f) {
      const tenant = await tenantOf(p!, f);
      return (await createIdpServices(p!).apps.list(tenant.id)).map((a) => ({
        id: a.id,
        kind: a.kind,
        name: a.name,
        identifier: a.lookupKey,
        enabled: a.enabled,
      }));
    },
  },
  {
    name: 'config-doc',
    usage: '',
    stores: false,
    async run() {
      const rows = Object.values(CONFIG_ENTRIES).map((e) => {
        const d =
          'default' in e
            ? typeof e.default === 'function'
              ? '(derived)'
              : JSON.stringify(e.default)
            : '(unset)';
        return `| \`${e.env}\` | ${d} | ${e.doc} |`;
      });
      return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
    },
  },
];
