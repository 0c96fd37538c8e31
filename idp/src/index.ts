/**
 * @sekisho/idp: the browser-facing identity provider — sign-in, password flows, the user
 * portal, and (from #3) OpenID Connect and SAML 2.0. `idpPlugin` registers the routes;
 * the gateway composes it with the session and form-body plugins.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Platform } from '@sekisho/platform';
import { loginRoutes } from './routes/login-routes.ts';
import { passwordRoutes } from './routes/password-routes.ts';
import { portalRoutes } from './routes/portal-routes.ts';
import { factorRoutes } from './routes/factor-routes.ts';
import { lockWaitRoutes } from './routes/lock-wait-routes.ts';
import { portalFactorRoutes } from './routes/portal-factor-routes.ts';
import { pageErrorHandler } from './routes/page-errors.ts';
import type { IdpServices } from './services.ts';
import { oidcRoutes } from './oidc/oidc-routes.ts';
import { samlRoutes } from './saml/saml-routes.ts';
import { wsfedRoutes } from './wsfed/wsfed-routes.ts';

export interface IdpOptions {
  platform: Platform;
  services: IdpServices;
}

export const idpPlugin: FastifyPluginAsync<IdpOptions> = async (app, options) => {
  app.setErrorHandler(pageErrorHandler);
  await app.register(loginRoutes, options);
  await app.register(passwordRoutes, options);
  await app.register(portalRoutes, options);
  await app.register(factorRoutes, options);
  await app.register(lockWaitRoutes, options);
  await app.register(portalFactorRoutes, options);
  await app.register(oidcRoutes, options);
  await app.register(samlRoutes, options);
  await app.register(wsfedRoutes, options);
};

export { activeSession, csrfToken, isCsrfValid, type SessionAuth } from './session/web-session.ts';
export { pageContext, sendPage, type PageContext } from './routes/page-context.ts';
export { pageErrorHandler } from './routes/page-errors.ts';
export { idpMessages } from './messages.ts';
export { createIdpServices, type IdpServices, type IdpServiceOptions } from './services.ts';
export { idpMigrations } from './store/migrations.ts';
export type { IdpDatabase } from './store/tables.ts';
export type { SigningKey, SigningKeyStore, KeyUse } from './keys/signing-keys.ts';
export type { AppRegistry, Application, AppKind, AppKindSpec } from './apps/app-registry.ts';
export {
  allowActiveUsers,
  type AccessPolicy,
  type AccessDecision,
  type AccessContext,
  type DeviceCertLoginType,
  type DeviceCertUse,
  type DeviceCertVerification,
} from './login/access-policy.ts';
export type {
  ApprovalState,
  FactorKind,
  SecondFactorPort,
  StartApprovalInput,
  StartedApproval,
} from './login/second-factor.ts';
export { SESSION_COOKIE } from './session/cookie-name.ts';
export { applicationAdminRoutes } from './admin/app-routes.ts';
export { kindHandler, type CreateInput } from './admin/app-kinds.ts';
