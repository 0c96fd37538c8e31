/**
 * Where the portal sends a user who clicks an application: SAML service providers start by
 * IdP-initiated SSO; OIDC clients and WS-Federation relying parties at the launch URL their
 * admin registered (`initiateLoginUri` / `launchUrl`), if any.
 */
import type { Application } from './app-registry.ts';

export function launchUrl(app: Application, tenantSlug: string): string | undefined {
  if (!app.enabled) return undefined;
  if (app.kind === 'saml') return `/t/${tenantSlug}/saml/start/${app.id}`;
  const c = app.config as { initiateLoginUri?: unknown; launchUrl?: unknown };
  const url = c.initiateLoginUri ?? c.launchUrl;
  return typeof url === 'string' && /^https:\/\//.test(url) ? url : undefined;
}
