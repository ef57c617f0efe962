import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Writes a catalog the code ships into the store (the payment-method table,
 * the built-in sources) only when it differs from what was written last:
 * the sha256 of `content` (as JSON) is compared with the `catalog_versions`
 * row of `name`, and `write` runs, in one transaction with the new hash,
 * only when they differ. So the commands of one release write a catalog
 * once, and a command that changes nothing writes nothing.
 *
 * @example
 * const wrote = await writeCatalogWhenChanged(db, 'payment-methods', PAYMENT_METHOD_CATALOG, (trx) => replaceAliases(trx));
 * // true the first time, false on every later call with the same catalog
 */
export async function writeCatalogWhenChanged(
  db: Kysely<Database>,
  name: string,
  content: unknown,
  write: (trx: Transaction<Database>) => Promise<void>,
): Promise<boolean> {
  const sha256 = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  const stored = await db.selectFrom('catalog_versions').select('sha256').where('name', '=', name).executeTakeFirst();
  if (stored?.sha256 === sha256) return false;
  await db.transaction().execute(async (trx) => {
    await write(trx);
    await trx
      .insertInto('catalog_versions')
      .values({ name, sha256 })
      .onConflict((oc) => oc.column('name').doUpdateSet({ sha256, written_at: new Date() }))
      .execute();
  });
  return true;
}
