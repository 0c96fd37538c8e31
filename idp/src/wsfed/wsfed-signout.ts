/**
 * wsignout1.0 and wsignoutcleanup1.0: end this tenant's IdP session (revoked server-side,
 * so a copy of the cookie is dead too), audit it, then go back to `wreply` only when a
 * relying party registered that exact address (its reply or sign-out URLs; the one named by
 * wtrealm, or any of the tenant's when wtrealm is absent). Otherwise show the signed-out page.
 * Like AD FS, sign-out is a plain GET so relying parties can redirect to it; the worst a
 * forged link can do is sign the user out.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdpServices } from '../services.ts';
import type { PageContext } from '../routes/page-context.ts';
import { signOut } from '../session/sign-out.ts';
import type { Application } from '../apps/app-registry.ts';
import { wsfedRpSpec, type WsFedRpConfig } from './rp-config.ts';
import type { WsFedMessage } from './wsfed-request.ts';
import { signedOutPage } from './wsfed-pages.ts';

async function registeredReturn(
  services: IdpServices,
  tenantId: string,
  message: WsFedMessage,
): Promise<string | undefined> {
  const wreply = message.wreply;
  if (wreply === undefined) return undefined;
  const candidates: Application<WsFedRpConfig>[] = [];
  if (message.wtrealm !== undefined) {
    const app = await services.apps.find(tenantId, wsfedRpSpec, message.wtrealm);
    if (app) candidates.push(app);
  } else {
    const apps = await services.apps.list(tenantId, 'wsfed');
    candidates.push(...(apps as Application<WsFedRpConfig>[]));
  }
  const allowed = candidates.some(
    (a) => a.enabled && [...a.config.replyUrls, ...a.config.signOutUrls].includes(wreply),
  );
  return allowed ? wreply : undefined;
}

export async function wsfedSignOut(
  services: IdpServices,
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: PageContext,
  message: WsFedMessage,
): Promise<FastifyReply> {
  const { platform } = services;
  // Only this tenant's session: a request naming another tenant leaves the cookie alone.
  await signOut(platform, request, ctx, {
    protocol: 'wsfed',
    wa: message.wa,
    realm: message.wtrealm ?? null,
  });
  const target = await registeredReturn(services, ctx.tenant.id, message);
  if (target) return reply.redirect(target, 303);
  if (message.wreply !== undefined)
    request.log.info({ wreply: message.wreply }, 'wsfed: sign-out wreply not registered');
  return signedOutPage(reply, ctx);
}
