/**
 * Lock approval in the sign-in (docs/lock.md, steps 3-6):
 * - POST `lock` sends a request to the user's device and keeps its id and two-digit number
 *   in the pending sign-in; a reload shows the same number and keeps waiting;
 * - GET `lock/events` is a server-sent event stream (`pending`, then `approved`, `denied` or
 *   `expired`, with heartbeat comments). It waits through the factor port, which wakes on
 *   the shared store's publish/subscribe, so the approval may land on any node; the wait is
 *   aborted when the browser goes away. `lock/status` answers the same as JSON (polling) or
 *   sends a browser without script back to the page;
 * - POST `lock/complete` consumes the approval once, for this user only, then signs in;
 * - POST `lock/enroll` shows a Lock enrollment while the user may still set a factor up, and
 *   `lock/device` tells the page when the device has appeared.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { IdpOptions } from '../index.ts';
import type { IdpServices } from '../services.ts';
import { completeSecondFactor } from '../login/complete-factor.ts';
import { setPendingSignIn } from '../login/pending-sign-in.ts';
import type { ApprovalState } from '../login/second-factor.ts';
import { idpMessages } from '../messages.ts';
import { lockEnrollPage } from '../pages/setup-pages.ts';
import { WAIT_SCRIPT } from '../pages/wait-script.ts';
import {
  factorOptions,
  factorRequest,
  isReply,
  sendChoice,
  type FactorRequest,
} from './factor-context.ts';
import { SCRIPTED_PAGE_CSP, sendPage } from './page-context.ts';
import { userMessage } from './page-errors.ts';

const HEARTBEAT_MS = 15_000;
/** A stream ends after this many heartbeats; EventSource reconnects and resumes. */
const MAX_ROUNDS = 20;

function eventOf(state: ApprovalState): string {
  const data =
    state.state === 'denied' ? { state: 'denied', reason: state.reason } : { state: state.state };
  return `event: ${state.state}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The approval's state, with a pending one past its expiry read as expired (fail closed). */
async function currentState(
  services: IdpServices,
  read: () => Promise<ApprovalState>,
): Promise<ApprovalState> {
  const state = await read();
  if (state.state === 'pending' && state.expiresAt <= services.platform.clock.now())
    return { state: 'expired' };
  return state;
}

async function streamApproval(
  services: IdpServices,
  f: FactorRequest,
  approvalId: string,
  reply: FastifyReply,
): Promise<void> {
  const res = reply.raw;
  const aborted = new AbortController();
  res.on('close', () => aborted.abort());
  reply.hijack();
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  const write = (chunk: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(chunk);
  };
  write('retry: 3000\n\n');
  const tenantId = f.ctx.tenant.id;
  try {
    let state = await currentState(services, () => f.port.approvalStatus(tenantId, approvalId));
    for (let round = 0; state.state === 'pending'; round++) {
      write(round === 0 ? eventOf(state) : ': waiting\n\n');
      if (aborted.signal.aborted || round >= MAX_ROUNDS) return;
      state = await currentState(services, () =>
        f.port.waitForApproval(tenantId, approvalId, HEARTBEAT_MS, aborted.signal),
      );
    }
    write(eventOf(state));
  } catch {
    // The store failed or the browser left: end the stream; EventSource reconnects.
  } finally {
    if (!res.writableEnded) res.end();
  }
}

export const lockWaitRoutes: FastifyPluginAsync<IdpOptions> = async (app, { services }) => {
  app.get('/t/:tenant/login/factor/lock/wait.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(WAIT_SCRIPT),
  );

  app.post('/t/:tenant/login/factor/lock', async (request, reply) => {
    const f = await factorRequest(services, request, reply, { form: true });
    if (isReply(f)) return f;
    if (!(await factorOptions(f)).enrolled.includes('lock')) {
      const error = idpMessages.t(f.ctx.locale, 'factor.notOffered');
      return sendChoice(services, request, reply, f, { error, status: 400 });
    }
    try {
      const started = await f.port.startApproval({
        tenantId: f.ctx.tenant.id,
        userId: f.pending.userId,
        application: f.pending.application,
        ip: f.ctx.origin.ip,
        userAgent: f.ctx.origin.userAgent,
      });
      setPendingSignIn(request, {
        ...f.pending,
        approvalId: started.id,
        approvalNumber: started.number,
      });
    } catch (err) {
      const error = userMessage(f.ctx.locale, err);
      const status = (err as { status?: number }).status ?? 500;
      return sendChoice(services, request, reply, f, {
        error,
        status: status < 500 ? status : 503,
      });
    }
    return reply.redirect(f.base, 303);
  });

  app.get('/t/:tenant/login/factor/lock/events', async (request, reply) => {
    const f = await factorRequest(services, request, reply);
    if (isReply(f)) return f;
    // 204 tells EventSource to stop; the page then reloads and explains.
    if (!f.pending.approvalId) return reply.code(204).send();
    await streamApproval(services, f, f.pending.approvalId, reply);
    return reply;
  });

  app.get('/t/:tenant/login/factor/lock/status', async (request, reply) => {
    const f = await factorRequest(services, request, reply);
    if (isReply(f)) return f;
    const wantsJson = (request.headers.accept ?? '').includes('application/json');
    if (!wantsJson) return reply.redirect(f.base, 303);
    const id = f.pending.approvalId;
    const state: ApprovalState = id
      ? await currentState(services, () => f.port.approvalStatus(f.ctx.tenant.id, id))
      : { state: 'expired' };
    return reply
      .header('cache-control', 'no-store')
      .send(
        state.state === 'denied'
          ? { state: 'denied', reason: state.reason }
          : { state: state.state },
      );
  });

  app.post('/t/:tenant/login/factor/lock/complete', async (request, reply) => {
    const f = await factorRequest(services, request, reply, { form: true });
    if (isReply(f)) return f;
    const id = f.pending.approvalId;
    if (!id || !(await f.port.consumeApproval(f.ctx.tenant.id, id, f.pending.userId)))
      return reply.redirect(f.base, 303);
    return completeSecondFactor(services, request, reply, f.ctx, f.pending, 'lock');
  });

  app.post('/t/:tenant/login/factor/lock/enroll', async (request, reply) => {
    const f = await factorRequest(services, request, reply, { form: true });
    if (isReply(f)) return f;
    if (!(await factorOptions(f)).setup.includes('lock')) {
      const error = idpMessages.t(f.ctx.locale, 'factor.setupNotAllowed');
      return sendChoice(services, request, reply, f, { error, status: 400 });
    }
    const enrollment = await f.port.createEnrollment(f.ctx.tenant.id, f.pending.userId);
    const body = lockEnrollPage({
      locale: f.ctx.locale,
      ...enrollment,
      timeZone: f.ctx.tenant.timeZone,
      devicePath: `${f.base}/lock/device?since=${services.platform.clock.now().getTime()}`,
      nextPath: f.base,
      scriptPath: `${f.base}/lock/wait.js`,
    });
    const title = idpMessages.t(f.ctx.locale, 'lockSetup.title');
    return sendPage(reply, f.ctx.locale, title, body, 200, undefined, SCRIPTED_PAGE_CSP);
  });

  app.get('/t/:tenant/login/factor/lock/device', async (request, reply) => {
    const f = await factorRequest(services, request, reply);
    if (isReply(f)) return f;
    const since = Number((request.query as { since?: string }).since) || 0;
    const device = await f.port.device(f.ctx.tenant.id, f.pending.userId);
    const enrolled = device !== undefined && device.enrolledAt.getTime() >= since;
    return reply.header('cache-control', 'no-store').send({ enrolled });
  });
};
