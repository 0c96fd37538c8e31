/**
 * Waits until an approval leaves `pending`, on whichever node the answer lands.
 *
 * - Subscribe first, then read: a state published between the two is not lost, because the
 *   read after subscribing sees it; a message that arrives while a read is running sets a flag
 *   so the loop reads again instead of sleeping.
 * - Ends at the approval's expiry, after `timeoutMs`, or when `signal` aborts, returning the
 *   state read last (still `pending` on a timeout).
 */
import { kvKeys, type LockDeps } from './deps.ts';
import { approvalStatus } from './approval-record.ts';
import type { ApprovalState } from './types.ts';

export async function waitForApproval(
  deps: LockDeps,
  tenantId: string,
  id: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ApprovalState> {
  const deadline = Date.now() + timeoutMs;
  let wake: (() => void) | undefined;
  let missed: boolean | undefined;
  const unsubscribe = await deps.platform.kv.subscribe(kvKeys.approvalChannel(id), () => {
    if (wake) wake();
    else missed = true;
  });
  try {
    for (;;) {
      missed = false;
      const status = await approvalStatus(deps, tenantId, id);
      if (status.state !== 'pending' || signal?.aborted) return status;
      if (missed) continue;
      const untilExpiry = status.expiresAt.getTime() - deps.platform.clock.now().getTime();
      const wait = Math.min(deadline - Date.now(), untilExpiry + 10);
      if (wait <= 0) return status;
      await sleepUntilWoken(wait, signal, (w) => (wake = w));
      wake = undefined;
      if (Date.now() >= deadline) return approvalStatus(deps, tenantId, id);
    }
  } finally {
    await unsubscribe();
  }
}

function sleepUntilWoken(
  ms: number,
  signal: AbortSignal | undefined,
  setWake: (wake: () => void) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    setWake(done);
  });
}
