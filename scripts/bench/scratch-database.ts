import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
<<<<<<< HEAD
 * A new database on the server of `serverUrl` for one benchmark, and a way
 * to drop it after.
=======
 * A new, empty database on the Postgres server of `serverUrl` for one
 * benchmark, dropped by `drop()` once the benchmark's connections are gone.
>>>>>>> a78f7e9 (Start-up: the bin runs TypeScript compiled to dist/ (built by prepare/pretest), commands load only when they run, one query says whether the schema is current, the payment-method table and built-in sources are rewritten only when their hash moved, and read-only commands open the store READ ONLY so a SELECT-only role can run them; the application no longer imports UsageError or CLI formatting (scripts/text))
 *
 * @example
 * const scratch = await scratchDatabase(process.env.DATABASE_URL!);
 * const store = await openMigratedStore({ databaseUrl: scratch.url });
 * await store.close(); await scratch.drop();
 */
export async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `otcwatch_bench_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropWhenFree(serverUrl, name) };
}

/** Drops the database once the closed pool's backends have gone (no `force`: terminating them would error in the pool). */
async function dropWhenFree(serverUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await admin(serverUrl, `drop database if exists ${name}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt === 50) throw error;
      await sleep(100);
    }
  }
}

<<<<<<< HEAD
async function admin(serverUrl: string, statement: string): Promise<void> {
=======
/** Runs one statement on the server of `serverUrl` (outside any transaction). */
export async function admin(serverUrl: string, statement: string): Promise<void> {
>>>>>>> a78f7e9 (Start-up: the bin runs TypeScript compiled to dist/ (built by prepare/pretest), commands load only when they run, one query says whether the schema is current, the payment-method table and built-in sources are rewritten only when their hash moved, and read-only commands open the store READ ONLY so a SELECT-only role can run them; the application no longer imports UsageError or CLI formatting (scripts/text))
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
