import { limitProblem, type CrawlLimitName } from '../crawler/crawl-limits.ts';
import type { Store } from '../store/connection.ts';
import { dataDirFromEnv, storeOptionsFromEnv } from '../store/connection.ts';
import { openMigratedStore, openReadOnlyStore } from '../store/open-migrated-store.ts';
import { safeText, safeValue } from './output/safe-text.ts';

/**
 * What a command does to the store: `write` (the default) migrates it when
 * its schema is behind and registers the built-in sources when they
 * changed; `read` writes nothing at all — the store is opened `READ ONLY`
 * and must be migrated already — so it works for a role that may only read.
 */
export type StoreAccess = 'read' | 'write';

/**
 * Runs a command body against the store the environment names
 * (`DATABASE_URL`, else PGlite in `OTCWATCH_DATA`), opened for `access`,
 * and always closes it.
 *
 * @example
 * await withStore((store) => listRuns(store.db, { limit: 5 }), 'read');
 */
export async function withStore<T>(body: (store: Store) => Promise<T>, access: StoreAccess = 'write'): Promise<T> {
  const options = storeOptionsFromEnv();
  const store = access === 'read' ? await openReadOnlyStore(options) : await openMigratedStore(options);
  try {
    // Imported here: it loads every adapter, which a command that only reads never needs.
    if (access === 'write') await (await import('./jobs/builtin-sources.ts')).registerBuiltinSources(store);
    return await body(store);
  } finally {
    // PGlite's runtime sets process.exitCode when it shuts down, which would
    // turn a command's failure (a failed crawl) into exit status 0.
    const exitCode = process.exitCode;
    await store.close();
    process.exitCode = exitCode;
  }
}

/** The data folder (embedded store, evidence files). */
export function dataDir(): string {
  return dataDirFromEnv();
}

/** An error meant for the person at the terminal: printed as one line, no stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses a whole number option, or throws a UsageError naming the option. */
export function intOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

/**
 * Prints command output on stdout through the output-safety boundary
 * (`safeText`): escape sequences gone, controls visible, contact handles
 * masked; line breaks kept. Every command prints through this, `printJson`
 * or `printError`; only `sql --raw` writes stored text as it is.
 *
 * @example
 * print(formatTable(rows));
 */
export function print(text: string): void {
  process.stdout.write(`${safeText(text, { lines: true })}\n`);
}

/** Prints a value as JSON (one line, or indented by `indent`), every string in it through `safeValue`. */
export function printJson(value: unknown, indent?: number): void {
  process.stdout.write(`${JSON.stringify(safeValue(value), null, indent)}\n`);
}

/** Prints a line on stderr through `safeText`: progress, failures, `--json` side notes. */
export function printError(text: string): void {
  process.stderr.write(`${safeText(text, { lines: true })}\n`);
}

/**
 * Parses an option bounded by crawl-limits.ts (politeness, page caps, grace),
 * or throws a UsageError of one line naming the option and its range.
 *
 * @example
 * const concurrency = limitOption('--concurrency', options.concurrency, 'concurrency');
 */
export function limitOption(flag: string, value: string | undefined, limit: CrawlLimitName): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  const problem = limitProblem(limit, Number.isNaN(n) ? value : n, flag);
  if (problem !== null) throw new UsageError(problem);
  return n;
}

/** The Postgres URL that workers and schedulers share; a clear error on the embedded store. */
export function sharedDatabaseUrl(command: string): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new UsageError(`${command} needs a shared PostgreSQL database: set DATABASE_URL (on the embedded store, use: otcwatch run)`);
  }
  return url;
}

/** One JSON line on stdout, with the time first, through `printJson`. */
export function logJsonLine(event: Record<string, unknown>): void {
  printJson({ at: new Date().toISOString(), ...event });
}

/** A pg-boss error as the `queue-error` event of `worker` and `scheduler` (pg-boss tries again on its next poll). */
export function logQueueError(error: Error): void {
  logJsonLine({ event: 'queue-error', error: error.message });
}
