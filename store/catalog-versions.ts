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
  const sha256 = catalogSha256(content);
  if ((await storedSha256(db, name)) === sha256) return false;
  await db.transaction().execute(async (trx) => {
    await write(trx);
    await saveSha256(trx, name, sha256);
  });
  return true;
}

/**
 * Inside a transaction that acts on a catalog the code defines (the
 * scoring's signals and weights): whether `content` differs from the
 * version of `name` recorded last, recording it when it does — so what a
 * changed catalog requires (a full rescoring) happens once, in the same
 * transaction as the record.
 *
 * @example
 * if (await catalogVersionChanged(trx, 'scoring', { weights })) rescoreEveryone();
 */
export async function catalogVersionChanged(trx: Transaction<Database>, name: string, content: unknown): Promise<boolean> {
  const sha256 = catalogSha256(content);
  if ((await storedSha256(trx, name)) === sha256) return false;
  await saveSha256(trx, name, sha256);
  return true;
}

/**
 * The version last recorded for catalog `name`, undefined when none was.
 *
 * @example
 * await storedSha256(db, 'payment-methods'); // 'a3f1…'
 */
export async function storedSha256(db: Kysely<Database>, name: string): Promise<string | undefined> {
  return (await db.selectFrom('catalog_versions').select('sha256').where('name', '=', name).executeTakeFirst())?.sha256;
}

function catalogSha256(content: unknown): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

async function saveSha256(trx: Transaction<Database>, name: string, sha256: string): Promise<void> {
  await trx
    .insertInto('catalog_versions')
    .values({ name, sha256 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ sha256, written_at: new Date() }))
    .execute();
}
