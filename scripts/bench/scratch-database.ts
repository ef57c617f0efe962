import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * A new database on the server of `serverUrl` for one benchmark, and a way
 * to drop it after.
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

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
