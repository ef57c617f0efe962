import type { Kysely } from 'kysely';
import { claimDueDeliveries, enqueueDeliveries, markDelivered, markFailed, releaseClaims, rescheduleFailed } from '../../store/alert-deliveries.ts';
import type { Database } from '../../store/schema.ts';
import type { AlertSink } from './alert-sink.ts';

/** What one `deliverAlerts` pass did. */
export interface DeliveryReport {
  delivered: number;
  failures: { sink: string; alertId: number; error: string; nextAttemptAt: Date }[];
}

/**
 * Hands every due alert to every sink, oldest first and claimed in
 * batches, and records each outcome in `alert_deliveries`. Alerts no sink
 * has seen are first offered to these sinks (`enqueueDeliveries`).
 *
 * A sink that fails is left for this pass after recording the failure, so
 * one webhook outage costs one attempt, not one per alert; its deliveries
 * stay `failed` with `next_attempt_at` = now + 1 min · 2^(attempt − 1),
 * capped at 6 h, and are retried by the next pass that finds them due
 * (the next `afterRun`, or `otcwatch alerts deliver`). Nothing is dropped.
 *
 * @example
 * const report = await deliverAlerts(db, configuredSinks(process.env));
 * const now = await deliverAlerts(db, sinks, { retryNow: true }); // do not wait for backoff
 */
export async function deliverAlerts(db: Kysely<Database>, sinks: readonly AlertSink[], options: DeliverOptions = {}): Promise<DeliveryReport> {
  const log = options.log ?? (() => {});
  const names = sinks.map((s) => s.name);
  await enqueueDeliveries(db, names);
  if (options.retryNow) await rescheduleFailed(db, names, new Date());
  const report: DeliveryReport = { delivered: 0, failures: [] };
  for (const sink of sinks) {
    for (let sinkFailed = false; !sinkFailed; ) {
      const batch = await claimDueDeliveries(db, sink.name, { now: new Date(), leaseMs: LEASE_MS, limit: BATCH });
      if (batch.length === 0) break;
      const delivered: number[] = [];
      for (const [index, claimed] of batch.entries()) {
        try {
          await sink.deliver(claimed.alert);
          delivered.push(claimed.alert.id);
        } catch (error) {
          const message = (error as Error).message;
          const nextAttemptAt = new Date(Date.now() + retryWaitMs(claimed.attempt));
          await markFailed(db, sink.name, claimed.alert.id, message, nextAttemptAt);
          await releaseClaims(db, sink.name, batch.slice(index + 1).map((c) => c.alert.id), new Date());
          report.failures.push({ sink: sink.name, alertId: claimed.alert.id, error: message, nextAttemptAt });
          log(`alert #${claimed.alert.id} not delivered to ${sink.name} (attempt ${claimed.attempt}): ${message}; next attempt after ${nextAttemptAt.toISOString()}`);
          sinkFailed = true;
          break;
        }
      }
      await markDelivered(db, sink.name, delivered, new Date());
      report.delivered += delivered.length;
    }
  }
  return report;
}

export interface DeliverOptions {
  /** Make failed deliveries due now instead of waiting for their backoff. */
  retryNow?: boolean;
  /** Where a failed delivery is reported; default nowhere. */
  log?: (line: string) => void;
}

/** How long a claimed delivery stays `sending` before another pass may take it over. */
const LEASE_MS = 5 * 60_000;

/**
 * Deliveries claimed, and recorded as delivered, per round trip: a run's
 * thousands of alerts cost a few statements, not three each. Marked after
 * the batch, so a crash re-delivers at most this many (delivery is at
 * least once anyway).
 */
const BATCH = 100;

/** Wait after failed attempt `attempt` (1-based): 1 min, 2 min, 4 min, … capped at 6 h. */
function retryWaitMs(attempt: number): number {
  return Math.min(60_000 * 2 ** (attempt - 1), 6 * 3600_000);
}
