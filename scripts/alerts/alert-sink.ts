import type { AlertRecord } from '../../store/alerts.ts';

/**
 * Somewhere alerts go: the console, a JSON-lines file, a webhook.
 * `deliver` resolves once the alert is handed over and throws when it could
 * not be; the failure is recorded and the delivery retried later. Delivery
 * is at least once: a receiver that must not see an alert twice dedupes on
 * `alert.id`.
 *
 * @example
 * const sink: AlertSink = { name: 'console', deliver: async (alert) => console.log(alert.subject) };
 */
export interface AlertSink {
  /** Names the sink's delivery rows (`alert_deliveries.sink`); stable per deployment. */
  readonly name: string;
  deliver(alert: AlertRecord): Promise<void>;
}
