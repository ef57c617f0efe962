import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { lockDataFolder } from './data-folder-lock.ts';
import type { PgliteEngine } from './pglite-thread.ts';
import type { ConsoleTarget } from './read-only-query.ts';
import type { Database } from './schema.ts';

/**
 * An open store: Kysely over embedded PGlite (default) or a real Postgres.
 *
 * @example
 * const store = await openStore({ databaseUrl: process.env.DATABASE_URL });
 * const runs = await store.db.selectFrom('crawl_runs').selectAll().execute();
 * await store.close();
 */
export interface Store {
  db: Kysely<Database>;
  /** Which engine is behind `db`; PGlite allows one process at a time on a data folder. */
  engine: 'pglite' | 'postgres';
  /** Where the store lives: the Postgres URL (without password) or the PGlite folder. */
  location: string;
  /** What the SQL console (`runSql`) runs on: the PGlite instance, or the Postgres URL to open its own connection to. */
  consoleTarget: ConsoleTarget;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** A `postgres://` URL; when set, a pg Pool is used instead of PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data folder, or `memory://` for a throwaway in-memory store. */
  pgliteDir?: string | undefined;
  /** Start an in-memory PGlite from this data-folder dump (`PGlite.dumpDataDir`) instead of an empty cluster. */
  pgliteLoadFrom?: Blob | undefined;
  /** Connections in the Postgres pool. Default 10. */
  poolSize?: number;
  /**
   * Every transaction is `READ ONLY` (`default_transaction_read_only`): the
   * database itself refuses a write, so a command that only reads can be
   * trusted to change nothing, and works for a role that may only read.
   */
  readOnly?: boolean;
}

/** Opens the store the environment asks for (see `storeOptionsFromEnv`). */
export async function openStore(options: StoreOptions): Promise<Store> {
  const readOnly = options.readOnly ?? false;
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10, readOnly);
  return openPglite(options.pgliteDir ?? 'memory://', options.pgliteLoadFrom, readOnly);
}

/**
 * Reads `DATABASE_URL` and `OTCWATCH_DATA` (default `./.otcwatch`); the
 * PGlite folder is `<data>/pgdata`.
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return { databaseUrl: env.DATABASE_URL || undefined, pgliteDir: path.join(dataDirFromEnv(env), 'pgdata') };
}

/** The folder for the embedded store and evidence files. */
export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.OTCWATCH_DATA || '.otcwatch');
}

// The engines are imported when a store of theirs is opened: a command on
// Postgres never loads PGlite's WebAssembly build, and the other way round.
async function openPostgres(databaseUrl: string, poolSize: number, readOnly: boolean): Promise<Store> {
  const { default: pg } = await import('pg');
  // JIT off for otcwatch's own queries: the planner costs its diff and scoring statements high enough to compile
  // them, and compiling took longer than it saved (~2 s of a 100,000-listing diff, 3.5 s of a 50,000-operator
  // scoring on Postgres 15). The SQL console opens connections of its own and keeps the server's setting.
  const settings = ['-c jit=off', ...(readOnly ? ['-c default_transaction_read_only=on'] : [])];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, options: settings.join(' ') });
  // An idle connection can be ended by the server (restart, `drop database … with (force)` right
  // after close); the pool drops that client and opens another when needed. Without a listener
  // the pool re-emits the error as an uncaught exception that kills the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new Error(`cannot connect to Postgres at ${redact(databaseUrl)}: ${(error as Error).message}; check DATABASE_URL`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', location: redact(databaseUrl), consoleTarget: { engine: 'postgres', url: databaseUrl }, close: () => db.destroy() };
}

async function openPglite(dir: string, loadDataDir: Blob | undefined, readOnly: boolean): Promise<Store> {
  const [{ openPgliteThread }, { PGliteDialect }] = await Promise.all([import('./pglite-thread.ts'), import('kysely-pglite-dialect')]);
  const inMemory = dir.startsWith('memory://');
  if (!inMemory) mkdirSync(dir, { recursive: true });
  const release = inMemory ? async () => {} : await lockDataFolder(dir);
  let engine: PgliteEngine;
  try {
    engine = await openPgliteThread(dir, { loadDataDir });
    // One connection for the whole process, so a session setting holds for every query.
    if (readOnly) await engine.exec('set default_transaction_read_only = on');
  } catch (error) {
    await release();
    throw new Error(`cannot open the embedded store in ${dir}: ${(error as Error).message}`);
  }
  // The dialect calls only `query` and `close`, which the thread's engine answers as PGlite does.
  const db = new Kysely<Database>({ dialect: new PGliteDialect(engine as unknown as ConstructorParameters<typeof PGliteDialect>[0]) });
  return {
    db,
    engine: 'pglite',
    location: dir,
    consoleTarget: { engine: 'pglite', pglite: engine },
    async close() {
      await db.destroy();
      // Kysely closes the engine only if it ran a query through it; the SQL console uses the
      // engine directly, and an engine left open keeps Node alive.
      if (!engine.closed) await engine.close();
      await release();
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
