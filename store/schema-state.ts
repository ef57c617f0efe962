import { sql, type Kysely } from 'kysely';
import { migrations } from '../migrations/index.ts';

/** How far a store's schema is from the one this code needs. */
export interface SchemaState {
  /** Migrations recorded as applied in the store (0 for an empty database). */
  applied: number;
  /** Migrations this code ships. */
  known: number;
  /** Every shipped migration is applied, and no other. */
  current: boolean;
}

const LATEST = Object.keys(migrations).sort().at(-1);

/**
 * "Is the schema current?" in one cheap query (no migration lock, no table
 * creation), so a command on an up-to-date store, or a role that may only
 * read, never runs the migrator. An empty database, with no migration
 * table yet, has 0 applied.
 *
 * @example
 * const state = await schemaState(store.db);
 * if (!state.current) await migrateToLatest(store.db);
 */
export async function schemaState(db: Kysely<any>): Promise<SchemaState> {
  const known = Object.keys(migrations).length;
  let row: { applied: number; latest: string | null } | undefined;
  try {
    ({ rows: [row] } = await sql<{ applied: number; latest: string | null }>`select count(*)::int as applied, max(name) as latest from kysely_migration`.execute(db));
  } catch (error) {
    // 42P01, undefined table: a database no migration ever ran on.
    if ((error as { code?: string }).code !== '42P01') throw error;
  }
  const applied = row?.applied ?? 0;
  return { applied, known, current: applied === known && row?.latest === LATEST };
}
