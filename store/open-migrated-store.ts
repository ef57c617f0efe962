import { openStore, type Store, type StoreOptions } from './connection.ts';
import { migrateToLatest } from './migrate.ts';
import { syncPaymentMethodCatalog } from './payment-methods.ts';
import { schemaState } from './schema-state.ts';

/**
 * Opens the store and brings it up to date: migrations when the schema is
 * not current (one cheap query tells), then the payment-method catalog
 * when it changed. What every command that writes data uses.
 *
 * @example
 * const store = await openMigratedStore(storeOptionsFromEnv());
 */
export async function openMigratedStore(options: StoreOptions): Promise<Store> {
  return openChecked(options, async (store) => {
    if (!(await schemaState(store.db)).current) await migrateToLatest(store.db);
    await syncPaymentMethodCatalog(store.db);
  });
}

/**
 * Opens the store for reading only: every transaction is `READ ONLY`, and
 * nothing is migrated or synced — a store whose schema is not current is
 * refused, saying how to migrate it. What the commands that only read use;
 * it works for a Postgres role granted nothing but `SELECT`.
 *
 * @example
 * const store = await openReadOnlyStore(storeOptionsFromEnv());
 * const runs = await listRuns(store.db, { limit: 5 });
 */
export async function openReadOnlyStore(options: StoreOptions): Promise<Store> {
  return openChecked({ ...options, readOnly: true }, async (store) => {
    const state = await schemaState(store.db);
    if (state.current) return;
    const found = state.applied === 0 ? 'has no schema yet' : `has ${state.applied} of this version's ${state.known} migrations`;
    throw new Error(`the store (${store.engine} ${store.location}) ${found}; run: otcwatch migrate (as a role that may write), or any crawl`);
  });
}

async function openChecked(options: StoreOptions, prepare: (store: Store) => Promise<void>): Promise<Store> {
  const store = await openStore(options);
  try {
    await prepare(store);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
