import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { safeValue } from '../output/safe-text.ts';
import type { AlertSink } from './alert-sink.ts';

/**
 * Appends each alert to a file as one JSON object per line (the stored
 * alert: id, kind, sourceId, runId, operatorId, listingId, subject,
 * payload, dedupKey, createdAt, ackedAt), every string through `safeValue`
 * (contact handles masked, control characters neutralised). The file is
 * only ever appended to.
 *
 * @example
 * const sink = jsonLinesSink({ path: '/var/lib/otcwatch/alerts.jsonl' });
 * // tail -f /var/lib/otcwatch/alerts.jsonl | jq .subject
 */
export function jsonLinesSink(props: JsonLinesSinkProps): AlertSink {
  return {
    name: 'file',
    async deliver(alert) {
      await mkdir(path.dirname(props.path), { recursive: true });
      await appendFile(props.path, `${JSON.stringify(safeValue(alert))}\n`, 'utf8');
    },
  };
}

export interface JsonLinesSinkProps {
  /** The file; its folder is created when missing. */
  path: string;
}
