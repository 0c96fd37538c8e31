/**
 * The SPs an IdP session has signed in to, with the NameID and SessionIndex each received,
 * so single logout can tell the others (SAML profiles §4.4: the IdP propagates a logout to
 * every session participant). Kept in the ephemeral store under the session id for the
 * longest session lifetime; updated by compare-and-set, so concurrent sign-ins on several
 * nodes do not lose an entry.
 */
import { createHmac } from 'node:crypto';
import type { Kv } from '@sekisho/platform';

export interface Participant {
  appId: string;
  nameId: string;
  nameIdFormat: string;
  sessionIndex: string;
}

const key = (sid: string) => `saml:participants:${sid}`;

/** The SessionIndex of one session at one SP: opaque, so the session id never leaves us. */
export function sessionIndexFor(secret: Buffer, sid: string, appId: string): string {
  return `_${createHmac('sha256', secret).update(`${sid}\n${appId}`).digest('hex').slice(0, 40)}`;
}

export async function addParticipant(
  kv: Kv,
  sid: string,
  participant: Participant,
  ttlMs: number,
): Promise<void> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await kv.get(key(sid));
    const list = current === undefined ? [] : (JSON.parse(current) as Participant[]);
    const next = [...list.filter((p) => p.appId !== participant.appId), participant];
    if (await kv.compareAndSet(key(sid), current, JSON.stringify(next), { ttlMs })) return;
  }
}

export async function readParticipants(kv: Kv, sid: string): Promise<Participant[]> {
  const raw = await kv.get(key(sid));
  return raw === undefined ? [] : (JSON.parse(raw) as Participant[]);
}

/** Removes and returns the participants of a session that is ending. */
export async function takeParticipants(kv: Kv, sid: string): Promise<Participant[]> {
  const raw = await kv.take(key(sid));
  return raw === undefined ? [] : (JSON.parse(raw) as Participant[]);
}
