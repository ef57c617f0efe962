import { sql, type Kysely } from 'kysely';
import { alertRecord, type AlertRecord } from './alerts.ts';
import type { Database, DeliveryStatus } from './schema.ts';

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
 * Claims up to `limit` of the oldest deliveries to `sink` that are due:
 * `pending`, `failed` with their `next_attempt_at` passed, or `sending`
 * whose lease ran out (their process died mid-delivery). The claim marks
 * them `sending` until `now + leaseMs`, so concurrent deliverers (rows
 * locked with `skip locked`) never take the same ones. Two statements a
 * batch, however large: the claim and the alerts. Answers oldest first,
 * `[]` when none is due.
 *
 * @example
 * const batch = await claimDueDeliveries(db, 'webhook', { now: new Date(), leaseMs: 300_000, limit: 500 });
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  sink: string,
  options: { now: Date; leaseMs: number; limit: number },
): Promise<ClaimedDelivery[]> {
  const { now } = options;
  const claimed = await db
    .updateTable('alert_deliveries')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: new Date(now.getTime() + options.leaseMs) }))
    .where('sink', '=', sink)
    .where('alert_id', 'in', (eb) =>
      eb
        .selectFrom('alert_deliveries')
        .select('alert_id')
        .where('sink', '=', sink)
        .where((w) => w.or([w('status', '=', 'pending'), w.and([w('status', 'in', ['failed', 'sending']), w('next_attempt_at', '<=', now)])]))
        .orderBy('alert_id')
        .limit(options.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['alert_id', 'attempts'])
    .execute();
  if (claimed.length === 0) return [];
  const attempts = new Map(claimed.map((c) => [c.alert_id, c.attempts]));
  const rows = await db.selectFrom('alerts').selectAll().where('id', 'in', [...attempts.keys()]).orderBy('id').execute();
  return rows.map((row) => ({ alert: alertRecord(row), attempt: attempts.get(row.id)! }));
}

/** Records deliveries to `sink` as done, in one statement. */
export async function markDelivered(db: Kysely<Database>, sink: string, alertIds: readonly number[], at: Date): Promise<void> {
  if (alertIds.length === 0) return;
  await db
    .updateTable('alert_deliveries')
    .set({ status: 'delivered', delivered_at: at, last_error: null })
    .where('sink', '=', sink)
    .where('alert_id', 'in', [...alertIds])
    .execute();
}

/** Records a failed attempt and when to try again. */
export async function markFailed(db: Kysely<Database>, sink: string, alertId: number, error: string, nextAttemptAt: Date): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set({ status: 'failed', last_error: error, next_attempt_at: nextAttemptAt })
    .where('alert_id', '=', alertId)
    .where('sink', '=', sink)
    .execute();
}

/**
 * Hands back claimed deliveries that were not attempted (their sink failed
 * earlier in the batch): the claim's attempt is taken back and they are due
 * again as they were, `pending` if never tried, else `failed` with their
 * last error.
 *
 * @example
 * await releaseClaims(db, 'webhook', [12, 13], new Date());
 */
export async function releaseClaims(db: Kysely<Database>, sink: string, alertIds: readonly number[], now: Date): Promise<void> {
  if (alertIds.length === 0) return;
  await db
    .updateTable('alert_deliveries')
    .set((eb) => ({
      attempts: eb('attempts', '-', 1),
      status: sql<DeliveryStatus>`case when attempts > 1 then 'failed' else 'pending' end`,
      next_attempt_at: now,
    }))
    .where('sink', '=', sink)
    .where('alert_id', 'in', [...alertIds])
    .where('status', '=', 'sending')
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
