import test from 'ava';
import type { AlertSink } from '../scripts/alerts/alert-sink.ts';
import { deliverAlerts } from '../scripts/alerts/deliver-alerts.ts';
import { insertAlerts } from '../store/alerts.ts';
import type { Store } from '../store/connection.ts';
import { handSnapshot, handSource } from './helpers/hand-snapshots.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/** A store holding `count` undelivered alerts of one run; answers their ids, oldest first. */
async function storeWithAlerts(count: number): Promise<{ store: Store; ids: number[] }> {
  const store = await createTestStore();
  await handSource(store);
  const runId = await handSnapshot(store, 'complete', []);
  const alerts = Array.from({ length: count }, (_, i) => ({
    kind: 'price_move' as const,
    sourceId: 'hand',
    runId,
    subject: `alert ${i}`,
    payload: { i },
    dedupKey: `batch-test:${i}`,
  }));
  await insertAlerts(store.db, alerts);
  const rows = await store.db.selectFrom('alerts').select('id').orderBy('id').execute();
  return { store, ids: rows.map((r) => r.id) };
}

async function deliveryRows(store: Store) {
  return store.db.selectFrom('alert_deliveries').selectAll().orderBy('alert_id').execute();
}

test(title('one pass delivers a backlog larger than a batch, oldest first, claiming many deliveries per round trip'), async (t) => {
  const { store, ids } = await storeWithAlerts(250);
  try {
    const received: number[] = [];
    const sendingSeen: number[] = [];
    const sink: AlertSink = {
      name: 'recorder',
      async deliver(alert) {
        if (received.length % 100 === 0) {
          const sending = await store.db.selectFrom('alert_deliveries').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'sending').executeTakeFirstOrThrow();
          sendingSeen.push(Number(sending.n));
        }
        received.push(alert.id);
      },
    };
    const report = await deliverAlerts(store.db, [sink]);
    t.is(report.delivered, 250);
    t.deepEqual(received, ids, 'each alert once, oldest first');
    t.deepEqual(sendingSeen, [100, 100, 50], 'a batch of 100 is claimed at once, then the rest');
    const rows = await deliveryRows(store);
    t.true(rows.every((r) => r.status === 'delivered' && r.attempts === 1 && r.delivered_at !== null));
  } finally {
    await store.close();
  }
});

test(title('a sink failing mid-batch records one failure and hands the untried rest of the batch back as it was'), async (t) => {
  const { store, ids } = await storeWithAlerts(8);
  try {
    let calls = 0;
    const flaky: AlertSink = {
      name: 'flaky',
      async deliver() {
        calls += 1;
        if (calls === 3) throw new Error('receiver down');
      },
    };
    const first = await deliverAlerts(store.db, [flaky]);
    t.is(first.delivered, 2);
    t.deepEqual(first.failures.map((f) => f.alertId), [ids[2]]);
    t.is(calls, 3, 'the sink is left alone for the rest of the pass');
    const rows = await deliveryRows(store);
    t.deepEqual(rows.map((r) => [r.status, r.attempts]), [
      ['delivered', 1], ['delivered', 1], ['failed', 1],
      ...ids.slice(3).map(() => ['pending', 0]),
    ]);
    t.is(rows[2]!.last_error, 'receiver down');

    // The released deliveries are due at once; the failed one waits for its backoff.
    const second = await deliverAlerts(store.db, [{ name: 'flaky', deliver: async () => {} }]);
    t.is(second.delivered, 5);
    const failedAgain = (await deliveryRows(store)).filter((r) => r.status !== 'delivered');
    t.deepEqual(failedAgain.map((r) => r.alert_id), [ids[2]]);

    // A released delivery that had failed before goes back to failed, its attempts and error kept.
    const third = await deliverAlerts(store.db, [{ name: 'flaky', deliver: async () => { throw new Error('still down'); } }], { retryNow: true });
    t.is(third.failures.length, 1);
    const last = (await deliveryRows(store))[2]!;
    t.deepEqual([last.status, last.attempts, last.last_error], ['failed', 2, 'still down']);
  } finally {
    await store.close();
  }
});

test(title('two passes delivering at once never hand the same alert to the sink twice'), async (t) => {
  const { store, ids } = await storeWithAlerts(300);
  try {
    const received: number[] = [];
    const sink: AlertSink = {
      name: 'shared',
      async deliver(alert) {
        received.push(alert.id);
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
    const reports = await Promise.all([deliverAlerts(store.db, [sink]), deliverAlerts(store.db, [sink])]);
    t.is(reports[0].delivered + reports[1].delivered, 300);
    t.deepEqual([...received].sort((a, b) => a - b), ids, 'every alert exactly once');
  } finally {
    await store.close();
  }
});
