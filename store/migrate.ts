import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { migrations } from '../migrations/index.ts';

/** One migration's state, for `otcwatch migrate status`. */
export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

function migratorFor(db: Kysely<any>): Migrator {
  // Migration numbers are handed out to work done in parallel, so one may land after a higher one already ran.
  return new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
}

/**
 * Brings the schema to the latest migration; throws naming the migration that failed.
 *
 * @example
 * await migrateToLatest(store.db);
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return applied(await migratorFor(db).migrateToLatest());
}

/** Undoes the last applied migration (or all of them with `all`). */
export async function migrateDown(db: Kysely<any>, options: { all?: boolean } = {}): Promise<string[]> {
  const migrator = migratorFor(db);
  if (!options.all) return applied(await migrator.migrateDown());
  const done: string[] = [];
  for (;;) {
    const names = applied(await migrator.migrateDown());
    if (names.length === 0) return done;
    done.push(...names);
  }
}

export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus[]> {
  const list = await migratorFor(db).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
