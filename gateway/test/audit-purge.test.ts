/** The retention purge deletes only events older than the retention period, once per day. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '@sekisho/platform';
import { purgeAuditOnce } from '../src/jobs/audit-purge.ts';
import { startTestApp, type TestApp } from './support/test-app.ts';

const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
let t: TestApp;
before(async () => {
  t = await startTestApp({ AUDIT_RETENTION_DAYS: '30' }, clock);
});
after(() => t.close());

test('events past the retention period are purged; newer ones stay; rows cannot be updated', async () => {
  const tenant = await t.platform.tenants.create({ slug: 'ret', name: 'Retention' });
  await t.platform.audit.record({
    tenantId: tenant.id,
    actor: { type: 'system' },
    action: 'old.event',
    result: 'success',
  });
  clock.advance(20 * 86_400_000);
  await t.platform.audit.record({
    tenantId: tenant.id,
    actor: { type: 'system' },
    action: 'new.event',
    result: 'success',
  });
  clock.advance(15 * 86_400_000); // old: 35 days, new: 15 days
  assert.equal(await purgeAuditOnce(t.platform), 1);
  const left = await t.platform.audit.search(tenant.id, {});
  assert.deepEqual(
    left.map((e) => e.action),
    ['new.event'],
  );
  assert.equal(await purgeAuditOnce(t.platform), undefined, 'one purge per day across nodes');
  await assert.rejects(
    t.platform.store.db.updateTable('audit_events').set({ action: 'tampered' }).execute(),
    /append-only/,
  );
});
