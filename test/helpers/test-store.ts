import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Store } from '../../store/connection.ts';
import { openStore } from '../../store/connection.ts';
import { openMigratedStore } from '../../store/open-migrated-store.ts';

/**
 * A fresh, empty store for one test: in-memory PGlite by default, or a new
 * database on the server named by `DATABASE_URL`, dropped on `close()`.
 * The same test code runs unchanged on both.
 */
export async function createTestStore(options: { migrated?: boolean } = {}): Promise<Store> {
  const open = options.migrated === false ? openStore : openMigratedStore;
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return open({ pgliteDir: 'memory://' });

  const name = `otcwatch_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await open({ databaseUrl: url.toString(), poolSize: 4 });
  return {
    ...store,
    async close() {
      await store.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** Which engine the suite runs on, for test titles. */
export const storeEngine = process.env.DATABASE_URL ? 'postgres' : 'pglite';

async function adminQuery(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
