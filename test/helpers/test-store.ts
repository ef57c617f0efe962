import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrateToLatest } from '../../store/migrate.ts';
import { syncPaymentMethodCatalog } from '../../store/payment-methods.ts';
import type { Database } from '../../store/schema.ts';
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
  if (!serverUrl) {
    if (options.migrated === false) return openStore({ pgliteDir: 'memory://' });
    return openStore({ pgliteDir: 'memory://', pgliteLoadFrom: await migratedPgliteTemplate() });
  }

  const database = await createTestDatabase(serverUrl);
  const store = await open({ databaseUrl: database.url, poolSize: 4 });
  return {
    ...store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}

/**
 * A new, empty database on the server of `serverUrl`, for a test that
 * needs a URL of its own (e.g. to hand to a child process).
 */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `otcwatch_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}

let template: Promise<Blob> | undefined;

/**
 * A migrated PGlite cluster, dumped once per test process: starting from the
 * dump skips initdb and the migrations, which cost seconds per test.
 */
function migratedPgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const pglite = await PGlite.create('memory://');
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    await migrateToLatest(db);
    await syncPaymentMethodCatalog(db);
    const dump = await pglite.dumpDataDir('none');
    await db.destroy();
    return dump;
  })();
  return template;
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
