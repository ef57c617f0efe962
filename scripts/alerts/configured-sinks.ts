import { consoleSink, type ConsoleSinkProps } from './console-sink.ts';
import type { AlertSink } from './alert-sink.ts';
import { jsonLinesSink } from './json-lines-sink.ts';
import { webhookSink } from './webhook-sink.ts';

/**
 * The sinks a deployment configures through its environment, console first:
 *
 * | variable | sink |
 * | --- | --- |
 * | (always) | console |
 * | `OTCWATCH_ALERTS_FILE` | append-only JSON-lines file at that path |
 * | `OTCWATCH_WEBHOOK_URL` + `OTCWATCH_WEBHOOK_SECRET` | signed HTTP POST per alert |
 *
 * A webhook URL without a secret throws: unsigned alerts are not sent.
 *
 * @example
 * const sinks = configuredSinks(process.env);                       // console (+ file, webhook)
 * const toStderr = configuredSinks(process.env, { console: { write: (l) => process.stderr.write(`${l}\n`) } });
 */
export function configuredSinks(env: NodeJS.ProcessEnv, options: { console?: ConsoleSinkProps } = {}): AlertSink[] {
  const sinks: AlertSink[] = [consoleSink(options.console)];
  if (env.OTCWATCH_ALERTS_FILE) sinks.push(jsonLinesSink({ path: env.OTCWATCH_ALERTS_FILE }));
  if (env.OTCWATCH_WEBHOOK_URL) {
    if (!env.OTCWATCH_WEBHOOK_SECRET) {
      throw new Error('OTCWATCH_WEBHOOK_URL is set but OTCWATCH_WEBHOOK_SECRET is not; set the secret the webhook signs bodies with');
    }
    let url: URL;
    try {
      url = new URL(env.OTCWATCH_WEBHOOK_URL);
    } catch {
      throw new Error(`OTCWATCH_WEBHOOK_URL is not a URL: "${env.OTCWATCH_WEBHOOK_URL}"`);
    }
    sinks.push(webhookSink({ url: url.toString(), secret: env.OTCWATCH_WEBHOOK_SECRET }));
  }
  return sinks;
}
