/**
 * The tenant's VAPID key pair (RFC 8292), created on first use with web-push.
 *
 * - The private key is sealed with the master key; the context names the tenant, so a sealed
 *   key copied to another tenant's row does not open.
 * - Idempotent under concurrency: two nodes may both generate, `ON CONFLICT DO NOTHING` keeps
 *   one row and both return it.
 * - The subject (a contact for the push service) is the public URL when it is a real https
 *   site, else the mailbox of MAIL_FROM (web-push refuses http and warns about localhost).
 */
import webpush from 'web-push';
import { vapidKeyContext, type LockDeps } from './deps.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

async function load(deps: LockDeps, tenantId: string): Promise<VapidKeys | undefined> {
  const row = await deps.db
    .selectFrom('lock_vapid_keys')
    .select(['public_key', 'private_key_sealed'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    publicKey: row.public_key,
    privateKey: deps.platform.secretBox
      .open(row.private_key_sealed, vapidKeyContext(tenantId))
      .toString(),
  };
}

export async function ensureVapidKeys(deps: LockDeps, tenantId: string): Promise<VapidKeys> {
  const existing = await load(deps, tenantId);
  if (existing) return existing;
  const keys = webpush.generateVAPIDKeys();
  await deps.db
    .insertInto('lock_vapid_keys')
    .values({
      tenant_id: tenantId,
      public_key: keys.publicKey,
      private_key_sealed: deps.platform.secretBox.seal(keys.privateKey, vapidKeyContext(tenantId)),
      created_at: deps.platform.clock.now(),
    })
    .onConflict((oc) => oc.column('tenant_id').doNothing())
    .execute();
  const stored = await load(deps, tenantId);
  if (!stored) throw new Error('VAPID keys vanished after creation');
  return stored;
}

export function vapidSubject(deps: LockDeps): string {
  const url = new URL(deps.publicUrl);
  if (
    url.protocol === 'https:' &&
    url.hostname !== 'localhost' &&
    !url.hostname.endsWith('.localhost')
  )
    return url.origin;
  const from = deps.platform.config.mailFrom;
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  return `mailto:${address}`;
}
