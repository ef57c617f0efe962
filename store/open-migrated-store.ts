import { openStore, type Store, type StoreOptions } from './connection.ts';
import { migrateToLatest } from './migrate.ts';
import { syncPaymentMethodCatalog } from './payment-methods.ts';

/**
 * Opens the store and brings it up to date: migrations, then the
 * payment-method catalog. What every command that reads or writes data uses.
 *
 * @example
 * const store = await openMigratedStore(storeOptionsFromEnv());
 */
export async function openMigratedStore(options: StoreOptions): Promise<Store> {
  const store = await openStore(options);
  try {
    await migrateToLatest(store.db);
    await syncPaymentMethodCatalog(store.db);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}
