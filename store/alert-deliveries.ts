import { sql, type Kysely } from 'kysely';
import { alertRecord, type AlertRecord } from './alerts.ts';
import type { Database } from './schema.ts';

/**
 * Offers every alert that no sink has been offered yet to each of `sinks`:
 * one `pending` delivery row per (alert, sink). An alert raised while no
 * sink was configured waits for the first delivery that has one; a sink
 * added to a deployment later receives the alerts raised from then on, not
 * the backlog. Baseline alerts (a source's first run) are never offered:
 * sinks get the run's one `baseline_digest` instead. Returns how many rows
 * were added.
 *
 * @example
 * await enqueueDeliveries(db, ['console', 'webhook']);
 */
export async function enqueueDeliveries(db: Kysely<Database>, sinks: readonly string[]): Promise<number> {
  if (sinks.length === 0) return 0;
  const result = await sql`
    insert into alert_deliveries (alert_id, sink)
    select a.id, s.sink
      from alerts a
     cross join unnest(${sql.val([...sinks])}::text[]) as s(sink)
     where not exists (select 1 from alert_deliveries d where d.alert_id = a.id)
       and not a.baseline
     order by a.id
    on conflict do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** A delivery claimed for one attempt: the alert, and which attempt this is (1 = first). */
export interface ClaimedDelivery {
  alert: AlertRecord;
  attempt: number;
}

/**
 * Claims the oldest delivery to `sink` that is due: `pending`, `failed`
 * with its `next_attempt_at` passed, or `sending` whose lease ran out (its
 * process died mid-delivery). The claim marks it `sending` until
 * `now + leaseMs`, so concurrent deliverers (rows locked with
 * `skip locked`) never take the same one. Returns undefined when none is due.
 *
 * @example
 * const claimed = await claimNextDelivery(db, 'webhook', { now: new Date(), leaseMs: 300_000 });
 */
export async function claimNextDelivery(
  db: Kysely<Database>,
  sink: string,
  options: { now: Date; leaseMs: number },
): Promise<ClaimedDelivery | undefined> {
  const { now } = options;
  const claimed = await db
    .updateTable('alert_deliveries')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now.getTime() + options.leaseMs) }))
    .where('sink', '=', sink)
    .where('alert_id', '=', (eb) =>
      eb
        .selectFrom('alert_deliveries')
        .select('alert_id')
        .where('sink', '=', sink)
        .where((w) => w.or([w('status', '=', 'pending'), w.and([w('status', 'in', ['failed', 'sending']), w('next_attempt_at', '<=', now)])]))
        .orderBy('alert_id')
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['alert_id', 'attempts'])
    .executeTakeFirst();
  if (!claimed) return undefined;
  const row = await db.selectFrom('alerts').selectAll().where('id', '=', claimed.alert_id).executeTakeFirstOrThrow();
  return { alert: alertRecord(row), attempt: claimed.attempts };
}

/** Records a delivery as done. */
export async function markDelivered(db: Kysely<Database>, alertId: number, sink: string, at: Date): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set({ status: 'delivered', delivered_at: at, last_error: null })
    .where('alert_id', '=', alertId)
    .where('sink', '=', sink)
    .execute();
}

/** Records a failed attempt and when to try again. */
export async function markFailed(db: Kysely<Database>, alertId: number, sink: string, error: string, nextAttemptAt: Date): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set({ status: 'failed', last_error: error, next_attempt_at: nextAttemptAt })
    .where('alert_id', '=', alertId)
    .where('sink', '=', sink)
    .execute();
}

/**
 * Makes failed deliveries to these sinks due now (`otcwatch alerts deliver`:
 * someone fixed the webhook and wants the backlog sent without waiting).
 *
 * @example
 * await rescheduleFailed(db, ['webhook'], new Date());
 */
export async function rescheduleFailed(db: Kysely<Database>, sinks: readonly string[], now: Date): Promise<void> {
  if (sinks.length === 0) return;
  await db
    .updateTable('alert_deliveries')
    .set({ next_attempt_at: now })
    .where('sink', 'in', [...sinks])
    .where('status', '=', 'failed')
    .execute();
}

/** Deliveries not yet done, per sink and status, for `otcwatch alerts deliver`. */
export async function undeliveredCounts(db: Kysely<Database>): Promise<{ sink: string; status: string; count: number; nextAttemptAt: Date }[]> {
  const rows = await db
    .selectFrom('alert_deliveries')
    .where('status', '<>', 'delivered')
    .groupBy(['sink', 'status'])
    .select(['sink', 'status', sql<number>`count(*)::int`.as('count'), sql<Date>`min(next_attempt_at)`.as('nextAttemptAt')])
    .orderBy('sink')
    .execute();
  return rows.map((r) => ({ ...r, count: Number(r.count), nextAttemptAt: new Date(r.nextAttemptAt) }));
}
