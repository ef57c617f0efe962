import type { AlertRecord } from '../../store/alerts.ts';
import { safeText } from '../output/safe-text.ts';
import type { AlertSink } from './alert-sink.ts';

/**
 * Prints each alert as one line: id, kind, subject, source and run.
 *
 * @example
 * const sink = consoleSink();                        // to stdout
 * const quiet = consoleSink({ write: (line) => lines.push(line) });
 * // "ALERT #12 new_domestic_payment_method: 金沙承兑 now accepts Alipay (domestic) on ad000017 [demo-api run #5]"
 */
export function consoleSink(props: ConsoleSinkProps = {}): AlertSink {
  const write = props.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  return {
    name: 'console',
    async deliver(alert) {
      write(alertLine(alert));
    },
  };
}

/**
 * The one-line form of an alert, through the output boundary (the subject quotes seller text).
 *
 * @example
 * alertLine(alert); // "ALERT #12 new_domestic_payment_method: 金沙承兑 now accepts Alipay (domestic) on ad000017 [demo-api run #5]"
 */
export function alertLine(alert: AlertRecord): string {
  return safeText(`ALERT #${alert.id} ${alert.kind}: ${alert.subject} [${alert.sourceId} run #${alert.runId}]`);
}

export interface ConsoleSinkProps {
  /** Where a line goes; default stdout. */
  write?: (line: string) => void;
}
