import type { Kysely } from 'kysely';
import { PAYMENT_METHOD_CATALOG } from '../crawler/normalize/payment-methods.ts';
import { writeCatalogWhenChanged } from './catalog-versions.ts';
import type { Database } from './schema.ts';

/**
 * Brings `payment_methods` and `payment_method_aliases` in line with the
 * catalog the normalizer uses, so SQL sees exactly the codes listings carry.
 * Run after migrations: the catalog grows with releases, a migration would
 * freeze it. Writes only when the catalog changed since it was last
 * written (`catalog_versions`); answers whether it wrote.
 *
 * @example
 * await syncPaymentMethodCatalog(store.db); // true once per catalog change, then false
 */
export async function syncPaymentMethodCatalog(db: Kysely<Database>): Promise<boolean> {
  return writeCatalogWhenChanged(db, 'payment-methods', PAYMENT_METHOD_CATALOG, async (trx) => {
    const methods = PAYMENT_METHOD_CATALOG.map((m) => ({
      code: m.code,
      name: m.name,
      category: m.category,
      is_domestic: m.category === 'cn_domestic',
    }));
    await trx
      .insertInto('payment_methods')
      .values(methods)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          category: eb.ref('excluded.category'),
          is_domestic: eb.ref('excluded.is_domestic'),
        })),
      )
      .execute();
    const aliases = PAYMENT_METHOD_CATALOG.flatMap((m) => [...new Set([m.name, ...m.aliases])].map((alias) => ({ alias, code: m.code })));
    await trx.deleteFrom('payment_method_aliases').execute();
    await trx.insertInto('payment_method_aliases').values(aliases).execute();
  });
}
