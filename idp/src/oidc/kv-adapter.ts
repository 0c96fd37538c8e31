/**
 * oidc-provider's storage adapter over Sekisho's ephemeral store (in-process or Redis), so
 * two nodes serve one tenant: sessions, interactions, codes, tokens and grants are shared.
 * Clients are not stored here: `Client` lookups read the durable application registry.
 *
 * - Every model is one JSON value with the provider's TTL.
 * - `consume` marks a payload consumed with one compare-and-set (no read-then-write race),
 *   so a code or refresh token is redeemed once; a concurrent second redemption fails and
 *   revokes the grant, as the provider does for a later reuse.
 * - Grant index: the keys issued under a grant are listed per grant so `revokeByGrantId`
 *   removes every token a replayed code or refresh token produced.
 */
import { errors } from 'oidc-provider';
import type { Kv } from '@sekisho/platform';

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
};

export interface AdapterInstance {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export function createKvAdapterClass(
  kv: Kv,
  namespace: string,
  findClient: (id: string) => Promise<Payload | undefined>,
) {
  const key = (model: string, id: string) => `oidc:${namespace}:${model}:${id}`;
  const grantKey = (grantId: string) => `oidc:${namespace}:grant-index:${grantId}`;
  const ttl = (expiresIn?: number) => (expiresIn ? expiresIn * 1000 : undefined);

  async function appendToGrant(grantId: string, entry: string, expiresIn?: number): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await kv.get(grantKey(grantId));
      const list = current ? (JSON.parse(current) as string[]) : [];
      if (list.includes(entry)) return;
      const next = JSON.stringify([...list, entry]);
      if (
        await kv.compareAndSet(grantKey(grantId), current, next, {
          ttlMs: ttl(expiresIn) ?? 14 * 86_400_000,
        })
      )
        return;
    }
    throw new Error('grant index contention');
  }

  return class KvAdapter implements AdapterInstance {
    readonly model: string;
    constructor(model: string) {
      this.model = model;
    }
    async upsert(id: string, payload: Payload, expiresIn?: number) {
      if (this.model === 'Client') return;
      await kv.set(key(this.model, id), JSON.stringify(payload), { ttlMs: ttl(expiresIn) });
      if (payload.grantId) await appendToGrant(payload.grantId, key(this.model, id), expiresIn);
      if (payload.uid)
        await kv.set(key(`${this.model}:uid`, payload.uid), id, { ttlMs: ttl(expiresIn) });
      if (payload.userCode)
        await kv.set(key(`${this.model}:userCode`, payload.userCode), id, {
          ttlMs: ttl(expiresIn),
        });
    }
    async find(id: string) {
      if (this.model === 'Client') return findClient(id);
      const raw = await kv.get(key(this.model, id));
      return raw ? (JSON.parse(raw) as Payload) : undefined;
    }
    async findByUid(uid: string) {
      const id = await kv.get(key(`${this.model}:uid`, uid));
      return id ? this.find(id) : undefined;
    }
    async findByUserCode(userCode: string) {
      const id = await kv.get(key(`${this.model}:userCode`, userCode));
      return id ? this.find(id) : undefined;
    }
    async consume(id: string) {
      const k = key(this.model, id);
      for (let attempt = 0; attempt < 20; attempt++) {
        const raw = await kv.get(k);
        if (!raw) return;
        const payload = JSON.parse(raw) as Payload;
        if (payload.consumed) {
          // A concurrent second redemption: treat as replay, revoke what the grant issued.
          if (payload.grantId) await this.revokeByGrantId(payload.grantId);
          throw new errors.InvalidGrant('grant request is invalid');
        }
        const remaining = await kv.ttl(k);
        const next = JSON.stringify({ ...payload, consumed: Math.floor(Date.now() / 1000) });
        if (
          await kv.compareAndSet(k, raw, next, {
            ttlMs: remaining === Infinity ? undefined : remaining,
          })
        )
          return;
      }
      throw new Error('consume contention');
    }
    async destroy(id: string) {
      await kv.delete(key(this.model, id));
    }
    async revokeByGrantId(grantId: string) {
      const list = await kv.take(grantKey(grantId));
      for (const k of list ? (JSON.parse(list) as string[]) : []) await kv.delete(k);
    }
  };
}
