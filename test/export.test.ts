import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { parse } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { sql, type Kysely } from 'kysely';
import { openStore } from '../store/connection.ts';
import { insertBulkObservations } from '../scripts/bench/bulk-observations.ts';
import { cliRig } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

/** The oracle: the observations as the store holds them, written independently of the export's query. */
const ORACLE_COLUMNS = [
  'id', 'run_id', 'source_id', 'observed_at', 'listing_id', 'platform', 'listing_key', 'operator_id', 'operator_key', 'operator_name',
  'side', 'asset', 'fiat', 'price', 'available', 'min_order', 'max_order', 'payment_methods', 'terms', 'completion_rate',
  'order_count', 'month_order_count', 'evidence_id',
];

async function* oracleRows(db: Kysely<any>, pageSize = 50_000): AsyncGenerator<Record<string, string | null>> {
  let after = '0';
  for (;;) {
    const { rows } = await sql<Record<string, string | null>>`
      select o.id::text, o.run_id::text, r.source_id, to_char(o.observed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as observed_at,
             o.listing_id::text, l.platform, l.platform_key as listing_key, o.operator_id::text, op.platform_key as operator_key, o.operator_name,
             l.side, l.asset, l.fiat, o.price::text, o.available::text, o.min_order::text, o.max_order::text,
             null::text as payment_methods, o.terms, o.completion_rate::text, o.order_count::text, o.month_order_count::text, o.evidence_id::text
        from listing_observations o join crawl_runs r on r.id = o.run_id join listings l on l.id = o.listing_id join operators op on op.id = o.operator_id
       where o.id > ${after}::bigint order by o.id limit ${pageSize}::int`.execute(db);
    if (rows.length === 0) return;
    yield* rows;
    after = rows.at(-1)!.id!;
  }
}

/** Runs the real bin and records its peak resident memory (VmHWM, polled from /proc) and wall time. */
function exportInChild(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; stderr: string; peakRssMiB: number; seconds: number }> {
  const started = performance.now();
  // A 128 MiB heap: an export that held its rows (hundreds of MiB as JavaScript objects) would die of it.
  const heapCapped = { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --max-old-space-size=128`.trim() };
  const child = spawn(process.execPath, [path.resolve(import.meta.dirname, '../scripts/otcwatch.mjs'), 'export', ...args], { env: heapCapped, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakKiB = 0;
  const poll = setInterval(() => {
    readFile(`/proc/${child.pid}/status`, 'utf8')
      .then((status) => {
        peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      })
      .catch(() => {});
  }, 25);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr, peakRssMiB: peakKiB / 1024, seconds: (performance.now() - started) / 1000 });
    });
  });
}

function expectField(row: Record<string, string | null>, column: string): string | null {
  return row[column] ?? null;
}

const COUNT = storeEngine === 'postgres' ? 1_000_000 : 20_000;

test(`export of ${COUNT.toLocaleString('en')} observations (${storeEngine}${storeEngine === 'pglite' ? ': a smaller count, the embedded store generates rows slowly; 1,000,000 on Postgres' : ''}): CSV and Parquet read back equal the SQL rows, exported under a 128 MiB heap`, async (t: ExecutionContext) => {
  t.timeout(600_000);
  const { cli, env, dataDir } = await cliRig(t);
  const migrated = await cli('migrate');
  t.is(migrated.code, 0, migrated.stderr);
  const store = await openStore({ databaseUrl: env.DATABASE_URL, pgliteDir: path.join(dataDir, 'pgdata') });
  let generated = performance.now();
  await insertBulkObservations(store.db, COUNT);
  generated = (performance.now() - generated) / 1000;
  if (storeEngine === 'pglite') await store.close(); // the embedded store is one process's: the child needs it

  const csvFile = path.join(dataDir, 'observations.csv');
  const parquetFile = path.join(dataDir, 'observations.parquet');
  const csvArgs = ['observations', '--format', 'csv', '--out', csvFile];
  const parquetArgs = ['observations', '--format', 'parquet', '--out', parquetFile];
  // Postgres serves both at once (one core each); the embedded store is one process's at a time.
  const [csv, parquet] = storeEngine === 'postgres'
    ? await Promise.all([exportInChild(env, csvArgs), exportInChild(env, parquetArgs)])
    : [await exportInChild(env, csvArgs), await exportInChild(env, parquetArgs)];
  t.is(csv.code, 0, csv.stderr);
  t.is(parquet.code, 0, parquet.stderr);
  const sizes = { csvMiB: (await stat(csvFile)).size / 2 ** 20, parquetMiB: (await stat(parquetFile)).size / 2 ** 20 };
  t.log(`generated in ${generated.toFixed(1)} s; csv ${csv.seconds.toFixed(1)} s, peak RSS ${csv.peakRssMiB.toFixed(0)} MiB, file ${sizes.csvMiB.toFixed(0)} MiB; parquet ${parquet.seconds.toFixed(1)} s, peak RSS ${parquet.peakRssMiB.toFixed(0)} MiB, file ${sizes.parquetMiB.toFixed(0)} MiB`);
  if (storeEngine === 'postgres') {
    // The rows as JavaScript objects would take well over 1 GiB; the CLI itself starts at about 240 MiB
    // (Node, tsx and its modules), and a cursor of 10,000 rows or a 50,000-row Parquet group adds little.
    t.true(sizes.csvMiB > 150, `the data is large (${sizes.csvMiB.toFixed(0)} MiB of CSV)`);
    t.true(csv.peakRssMiB > 0 && csv.peakRssMiB < 400, `CSV export peak RSS ${csv.peakRssMiB.toFixed(0)} MiB`);
    t.true(parquet.peakRssMiB > 0 && parquet.peakRssMiB < 400, `Parquet export peak RSS ${parquet.peakRssMiB.toFixed(0)} MiB`);
  }

  const db = storeEngine === 'pglite' ? (await openStore({ pgliteDir: path.join(dataDir, 'pgdata') })).db : store.db;
  t.teardown(() => db.destroy());

  // CSV, streamed through csv-parse, against the oracle row by row.
  const parsed = createReadStream(csvFile).pipe(parse({ columns: true }));
  const oracle = oracleRows(db);
  let compared = 0;
  let firstMismatch: string | null = null;
  for await (const record of parsed as AsyncIterable<Record<string, string>>) {
    const expected = (await oracle.next()).value as Record<string, string | null> | undefined;
    if (!expected) {
      firstMismatch ??= `extra CSV row ${JSON.stringify(record)}`;
      break;
    }
    for (const column of ORACLE_COLUMNS) {
      if (record[column] !== (expectField(expected, column) ?? '')) firstMismatch ??= `row ${expected.id} ${column}: ${JSON.stringify(record[column])} ≠ ${JSON.stringify(expected[column])}`;
    }
    compared += 1;
  }
  t.is((await oracle.next()).done, true, 'no SQL row is missing from the CSV');
  t.is(firstMismatch, null);
  t.is(compared, COUNT);

  // Parquet, read back by hyparquet one row group at a time.
  const file = await asyncBufferFromFile(parquetFile);
  const metadata = await parquetMetadataAsync(file);
  t.is(Number(metadata.num_rows), COUNT);
  t.true(metadata.row_groups.length >= Math.floor(COUNT / 50_000), `written in row groups (${metadata.row_groups.length})`);
  const types = Object.fromEntries(metadata.schema.slice(1).map((s) => [s.name, `${s.type}${s.converted_type ? `/${s.converted_type}` : ''}`]));
  t.like(types, { id: 'INT64', price: 'BYTE_ARRAY/UTF8', available: 'BYTE_ARRAY/UTF8', observed_at: 'BYTE_ARRAY/UTF8', run_id: 'INT32' }, 'decimals and timestamps are strings, never floats');
  const second = oracleRows(db);
  let rowStart = 0;
  compared = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    for (const row of await parquetReadObjects({ file, rowStart, rowEnd })) {
      const expected = (await second.next()).value as Record<string, string | null>;
      for (const column of ORACLE_COLUMNS) {
        const value = row[column];
        const shown = value === null || value === undefined ? null : String(value);
        if (shown !== expectField(expected, column)) firstMismatch ??= `parquet row ${expected.id} ${column}: ${JSON.stringify(shown)} ≠ ${JSON.stringify(expected[column])}`;
      }
      compared += 1;
    }
    rowStart = rowEnd;
  }
  t.is(firstMismatch, null);
  t.is(compared, COUNT);
  if (storeEngine === 'postgres') await store.close();
});
