import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { forEachBatch } from '../../store/export/cursor-batches.ts';
import { EXPORT_TABLES, type ExportColumn, type ExportTableName } from '../../store/export/export-tables.ts';
import type { RunFilter } from '../../store/report/report-filter.ts';
import { safeText, safeValue } from '../output/safe-text.ts';
import { csvWriter, jsonLinesWriter, parquetWriter, type ExportRow, type RowWriter } from './row-writers.ts';

export const EXPORT_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  table: ExportTableName;
  format: ExportFormat;
  filter?: RunFilter;
  /** A file to write; without it, CSV and JSON lines go to `stdout` (Parquet needs a file). */
  out?: string;
  stdout?: Writable;
  /** Keep seller text as stored: no masking, controls kept (default false: through `safeText`). */
  raw?: boolean;
  /** Rows per cursor fetch. Default 10,000. */
  batchSize?: number;
}

/**
 * Streams one table from a database cursor into a CSV, JSON-lines or
 * Parquet file: memory holds one batch (and, for Parquet, one row group),
 * whatever the table's size. Text passes the output-safety boundary
 * unless `raw`.
 *
 * @example
 * const { rows } = await exportTable(store.db, { table: 'observations', format: 'parquet', out: 'obs.parquet', filter: { sourceIds: ['demo-api'] } });
 */
export async function exportTable(db: Kysely<any>, options: ExportOptions): Promise<{ rows: number }> {
  const table = EXPORT_TABLES[options.table];
  const columns: readonly ExportColumn[] = table.columns;
  const writer = openWriter(columns, options);
  const texts = columns.filter((c) => c.type === 'text').map((c) => c.name);
  const jsons = columns.filter((c) => c.type === 'json').map((c) => c.name);
  const rows = await forEachBatch<ExportRow>(db, table.query(options.filter ?? {}), options.batchSize ?? 10_000, async (batch) => {
    if (!options.raw) {
      for (const row of batch) {
        // Line breaks are data here: CSV quotes them and JSON escapes them.
        for (const name of texts) if (typeof row[name] === 'string') row[name] = safeText(row[name] as string, { lines: true });
        for (const name of jsons) if (typeof row[name] === 'string') row[name] = JSON.stringify(safeValue(JSON.parse(row[name] as string)));
      }
    }
    await writer.write(batch);
  });
  await writer.finish();
  return { rows };
}

function openWriter(columns: readonly ExportColumn[], options: ExportOptions): RowWriter {
  if (options.format === 'parquet') {
    if (!options.out) throw new Error('a Parquet export needs a file: give --out FILE');
    return parquetWriter(columns, options.out);
  }
  const toFile = options.out !== undefined;
  const out = toFile ? createWriteStream(options.out!) : (options.stdout ?? process.stdout);
  return options.format === 'csv' ? csvWriter(columns, out, { end: toFile }) : jsonLinesWriter(columns, out, { end: toFile });
}
