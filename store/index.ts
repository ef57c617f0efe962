/**
 * `otcwatch/store`: the database as a library — open a store (embedded
 * PGlite or Postgres), migrate it or open it read-only, and the queries the
 * CLI is built on: runs, diffs, alerts, sources, read-only SQL. An example
 * is in the README ("Using otcwatch as a library").
 *
 * @example
 * import { listRuns, openReadOnlyStore, storeOptionsFromEnv } from 'otcwatch/store';
 * const store = await openReadOnlyStore(storeOptionsFromEnv());
 * console.log(await listRuns(store.db, { limit: 5 }));
 * await store.close();
 */
export { ackAlert, ALERT_KINDS, listAlerts, type AlertKind, type AlertRecord } from './alerts.ts';
export { dataDirFromEnv, openStore, storeOptionsFromEnv, type Store, type StoreOptions } from './connection.ts';
export { getRun, listRuns, type CrawlRunRow } from './crawl-runs.ts';
export { diffRuns, type DiffRequest } from './diff/diff-runs.ts';
export { DEFAULT_THRESHOLDS, type DiffThresholds, type RunDiff } from './diff/run-diff.ts';
export { migrateDown, migrateToLatest, migrationStatus } from './migrate.ts';
export { openMigratedStore, openReadOnlyStore } from './open-migrated-store.ts';
export { runSql } from './read-only-query.ts';
export type { Database } from './schema.ts';
export { schemaState, type SchemaState } from './schema-state.ts';
export { findSource, listSources, upsertSource, type SourceRegistration, type SourceRow } from './sources.ts';
