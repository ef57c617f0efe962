import type { Kysely } from 'kysely';
import { migrateDown } from '../../store/migrate.ts';

/**
 * Undoes migrations one at a time, latest first, until `name` itself is
 * undone; returns their names in the order undone. Throws when a step
 * undoes other than one migration, or `name` was never applied.
 *
 * @example
 * await migrateDownThrough(store.db, '0010-run-facts'); // ['0014-…', …, '0010-run-facts']
 */
export async function migrateDownThrough(db: Kysely<any>, name: string): Promise<string[]> {
  const undone: string[] = [];
  while (!undone.includes(name)) {
    const step = await migrateDown(db);
    if (step.length !== 1) throw new Error(`migrating down undid ${JSON.stringify(step)} after ${JSON.stringify(undone)}, before ${name}`);
    undone.push(...step);
  }
  return undone;
}
