import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import type { ExportColumn } from '../../store/export/export-tables.ts';

export type ExportRow = Record<string, unknown>;

/** Where batches of rows go, in one file format. `finish` completes the file. */
export interface RowWriter {
  write(rows: ExportRow[]): Promise<void>;
  finish(): Promise<void>;
}

/**
 * CSV by csv-stringify: a header row, every field quoted as needed, empty
 * for NULL, `true`/`false` for booleans. `escape_formulas` puts a `'`
 * before a cell starting with `=`, `+`, `-`, `@`, tab or CR, so a seller
 * name cannot run as a spreadsheet formula.
 *
 * @example
 * const writer = csvWriter(columns, createWriteStream('observations.csv'));
 */
export function csvWriter(columns: readonly ExportColumn[], out: Writable, options: { end: boolean }): RowWriter {
  const names = columns.map((c) => c.name);
  const stringifier = stringify({ header: true, columns: names, escape_formulas: true, cast: { boolean: (b) => (b ? 'true' : 'false') } });
  const piped = pipeline(stringifier, out, { end: options.end });
  return {
    async write(rows) {
      for (const row of rows) {
        if (!stringifier.write(names.map((n) => row[n]))) await once(stringifier, 'drain');
      }
    },
    async finish() {
      stringifier.end();
      await piped;
    },
  };
}

/**
 * One JSON object per line, keys in column order; decimals and timestamps
 * are strings, `json` columns are nested values, a `bigint` is a number
 * while it is a safe integer.
 *
 * @example
 * const writer = jsonLinesWriter(columns, process.stdout, { end: false });
 */
export function jsonLinesWriter(columns: readonly ExportColumn[], out: Writable, options: { end: boolean }): RowWriter {
  return {
    async write(rows) {
      const text = rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, jsonValue(c, row[c.name])])))).join('\n');
      if (!out.write(`${text}\n`)) await once(out, 'drain');
    },
    async finish() {
      if (options.end) {
        out.end();
        await once(out, 'finish');
      }
    },
  };
}

/**
 * Parquet by hyparquet-writer, one row group per `rowGroupRows` rows (the
 * rows of a group are the only ones held), written to `path` as it goes.
 * Integers are INT32 (`bigint` INT64); decimals, timestamps (UTC ISO 8601), text and JSON
 * are UTF-8 strings — a decimal is never a float; booleans BOOLEAN; every
 * column OPTIONAL (NULL stays NULL).
 *
 * @example
 * const writer = parquetWriter(columns, 'observations.parquet');
 */
export function parquetWriter(columns: readonly ExportColumn[], path: string, rowGroupRows = 50_000): RowWriter {
  const schema = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({ name: c.name, repetition_type: 'OPTIONAL' as const, ...parquetType(c) })),
  ];
  const writer = new ParquetWriter({ writer: fileWriter(path), schema });
  let pending: ExportRow[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const group = pending;
    pending = [];
    await writer.write({
      columnData: columns.map((c) => ({ name: c.name, data: group.map((row) => parquetValue(c, row[c.name])) })),
      rowGroupSize: group.length,
    });
  };
  return {
    async write(rows) {
      for (const row of rows) pending.push(row);
      if (pending.length >= rowGroupRows) await flush();
    },
    async finish() {
      await flush();
      await writer.finish();
    },
  };
}

function jsonValue(column: ExportColumn, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (column.type === 'json') return JSON.parse(value);
  if (column.type === 'bigint' && Number.isSafeInteger(Number(value))) return Number(value);
  return value;
}

function parquetValue(column: ExportColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return column.type === 'bigint' ? BigInt(value as string) : value;
}

function parquetType(column: ExportColumn): { type: 'INT32' | 'INT64' | 'BOOLEAN' | 'BYTE_ARRAY'; converted_type?: 'UTF8' } {
  if (column.type === 'int') return { type: 'INT32' };
  if (column.type === 'bigint') return { type: 'INT64' };
  if (column.type === 'bool') return { type: 'BOOLEAN' };
  return { type: 'BYTE_ARRAY', converted_type: 'UTF8' };
}
