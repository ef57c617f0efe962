import type { PgliteEngine } from './pglite-thread.ts';
import pg from 'pg';
import { checkConsoleStatement } from './console-statement.ts';

/** Where the SQL console runs: the embedded engine itself, or a Postgres URL it opens a connection of its own to. */
export type ConsoleTarget = { engine: 'pglite'; pglite: PgliteEngine } | { engine: 'postgres'; url: string };

export interface RunSqlOptions {
  /** Allow statements that change data. Default false: one query, in a read-only transaction. */
  write?: boolean;
  /** The statement's time limit in milliseconds. Default 30,000. */
  timeoutMs?: number;
}

interface ArrayResult {
  fields: readonly { name: string }[];
  rows: readonly unknown[][];
}

/**
 * Runs an investigator's SQL, read-only unless `write`. Layers, outermost
 * first: the statement is checked (one statement; in read-only mode one
 * query; never a command or function that reaches outside the database,
 * see `checkConsoleStatement`); it is sent alone with the extended protocol,
 * which refuses several statements by itself; on Postgres the connection is
 * opened with `default_transaction_read_only` and a `statement_timeout`;
 * the transaction is `READ ONLY` and rolled back. For a shared deployment
 * the real boundary is a role that can only read (`OTCWATCH_READ_URL`).
 * Every column is kept: a repeated name is renamed `name_2`, `name_3`.
 *
 * @example
 * const rows = await runSql(store.consoleTarget, 'select count(*) from listings');
 */
export async function runSql(target: ConsoleTarget, text: string, options: RunSqlOptions = {}): Promise<Record<string, unknown>[]> {
  const write = Boolean(options.write);
  const statement = checkConsoleStatement(text, { write });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const result = target.engine === 'postgres'
    ? await onPostgres(target.url, statement, write, timeoutMs)
    : await onPglite(target.pglite, statement, write, timeoutMs);
  const names = uniqueColumnNames(result.fields.map((f) => f.name));
  return result.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i]])));
}

async function onPostgres(url: string, statement: string, write: boolean, timeoutMs: number): Promise<ArrayResult> {
  // standard_conforming_strings is forced on so the server reads quotes exactly as the guard did.
  const settings = [`statement_timeout=${timeoutMs}`, 'standard_conforming_strings=on'];
  if (!write) settings.push('default_transaction_read_only=on');
  const client = new pg.Client({ connectionString: url, options: settings.map((s) => `-c ${s}`).join(' '), application_name: 'otcwatch sql' });
  await client.connect();
  try {
    await client.query(write ? 'begin' : 'begin read only');
    const query: pg.QueryArrayConfig & { queryMode: 'extended' } = { text: statement, rowMode: 'array', queryMode: 'extended' };
    const result = await client.query(query);
    await client.query(write ? 'commit' : 'rollback');
    return result;
  } catch (error) {
    throw timeoutError(error, timeoutMs);
  } finally {
    await client.end();
  }
}

async function onPglite(pglite: PgliteEngine, statement: string, write: boolean, timeoutMs: number): Promise<ArrayResult> {
  await pglite.query(write ? 'begin' : 'begin read only');
  let ok = false;
  try {
    await pglite.query(`set local statement_timeout = ${timeoutMs}`);
    // With parameters (none), PGlite uses the extended protocol: one statement only.
    const result = await pglite.query<unknown[]>(statement, [], { rowMode: 'array' });
    ok = true;
    return result;
  } finally {
    // Read-only work is always rolled back, so even a session setting cannot outlive it.
    await pglite.query(write && ok ? 'commit' : 'rollback');
  }
}

function timeoutError(error: unknown, timeoutMs: number): unknown {
  if ((error as { code?: string }).code !== '57014') return error;
  return new Error(`the statement ran longer than ${timeoutMs / 1000} s and was cancelled; narrow it, or raise --timeout`);
}

/**
 * Column names made unique in order, visibly: the second `a` becomes `a_2`
 * (or the next suffix no other column has).
 *
 * @example
 * uniqueColumnNames(['a', 'a', 'b']); // ['a', 'a_2', 'b']
 */
export function uniqueColumnNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const seen = new Set<string>();
  return names.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let k = 2;
    while (taken.has(`${name}_${k}`)) k += 1;
    const renamed = `${name}_${k}`;
    taken.add(renamed);
    return renamed;
  });
}
