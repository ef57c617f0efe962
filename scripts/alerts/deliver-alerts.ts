import type { Kysely } from 'kysely';
import { claimNextDelivery, enqueueDeliveries, markDelivered, markFailed, rescheduleFailed } from '../../store/alert-deliveries.ts';
import type { Database } from '../../store/schema.ts';
import type { AlertSink } from './alert-sink.ts';

/** What one `deliverAlerts` pass did. */
export interface DeliveryReport {
  delivered: number;
  failures: { sink: string; alertId: number; error: string; nextAttemptAt: Date }[];
}

/**
 * Hands every due alert to every sink, oldest first, and records each
 * outcome in `alert_deliveries`. Alerts no sink has seen are first offered
 * to these sinks (`enqueueDeliveries`).
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
    for (;;) {
      const claimed = await claimNextDelivery(db, sink.name, { now: new Date(), leaseMs: LEASE_MS });
      if (!claimed) break;
      try {
        await sink.deliver(claimed.alert);
        await markDelivered(db, claimed.alert.id, sink.name, new Date());
        report.delivered += 1;
      } catch (error) {
        const message = (error as Error).message;
        const nextAttemptAt = new Date(Date.now() + retryWaitMs(claimed.attempt));
        await markFailed(db, claimed.alert.id, sink.name, message, nextAttemptAt);
        report.failures.push({ sink: sink.name, alertId: claimed.alert.id, error: message, nextAttemptAt });
        log(`alert #${claimed.alert.id} not delivered to ${sink.name} (attempt ${claimed.attempt}): ${message}; next attempt after ${nextAttemptAt.toISOString()}`);
        break;
      }
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

/** Wait after failed attempt `attempt` (1-based): 1 min, 2 min, 4 min, … capped at 6 h. */
function retryWaitMs(attempt: number): number {
  return Math.min(60_000 * 2 ** (attempt - 1), 6 * 3600_000);
}
