import type { Command } from 'commander';

/**
 * One CLI command: its name and one-line description (what `otcwatch --help`
 * lists), and the module that defines the rest, imported only when the
 * command runs — so `--help` or `runs` never load the crawler, the browser
 * or the demo marketplace.
 */
export interface CommandEntry {
  name: string;
  description: string;
  /** Fills in the command: arguments, options, sub-commands, action. */
  load(): Promise<(command: Command) => void>;
}

/** Every CLI command, in help order; a new command is one file and one entry here. */
export const commands: readonly CommandEntry[] = [
  { name: 'demo', description: 'run otcwatch end to end against the built-in demo marketplace', load: async () => (await import('./demo.ts')).registerDemo },
  { name: 'migrate', description: 'apply (up), undo (down) or list (status) the schema migrations', load: async () => (await import('./migrate.ts')).registerMigrate },
  { name: 'sources', description: 'list and configure marketplace sources', load: async () => (await import('./sources.ts')).registerSources },
  {
    name: 'crawl',
    description: 'crawl one source now, store the snapshot, diff it against the last complete run and raise alerts (migrates first)',
    load: async () => (await import('./crawl.ts')).registerCrawl,
  },
  {
    name: 'evidence',
    description: "show a page's archived request and response, verify every archive's digests, export a run as WACZ, prune old archives",
    load: async () => (await import('./evidence.ts')).registerEvidence,
  },
  { name: 'runs', description: 'list crawl runs (snapshots), newest first', load: async () => (await import('./runs.ts')).registerRuns },
  {
    name: 'diff',
    description: 'what changed between two runs of a source: operators, listings, prices, volumes, payment methods',
    load: async () => (await import('./diff.ts')).registerDiff,
  },
  { name: 'alerts', description: 'list, acknowledge and deliver alerts raised by diffs and scores', load: async () => (await import('./alerts.ts')).registerAlerts },
  {
    name: 'operators',
    description: 'operators by domestic-facing score, and why each scored as it did (contact handles masked)',
    load: async () => (await import('./operators.ts')).registerOperators,
  },
  {
    name: 'report',
    description:
      'write one self-contained HTML report: price and volume charts, domestic payment-method adoption, ranked domestic-facing operators with evidence, alerts and runs',
    load: async () => (await import('./report.ts')).registerReport,
  },
  {
    name: 'export',
    description: 'stream a table to CSV, JSON lines or Parquet, in constant memory (decimals exact, timestamps UTC ISO 8601)',
    load: async () => (await import('./export.ts')).registerExport,
  },
  {
    name: 'methods',
    description: 'list the canonical payment methods with their category and every alias, or resolve names as a source would',
    load: async () => (await import('./methods.ts')).registerMethods,
  },
  { name: 'schedule', description: 'recurring crawls, kept in the store and fired by `otcwatch run`', load: async () => (await import('./schedule.ts')).registerSchedule },
  {
    name: 'run',
    description: 'the long-running scheduler: fire due crawls, diff, alert and score after each; JSON lines on stdout',
    load: async () => (await import('./run.ts')).registerRun,
  },
  {
    name: 'scheduler',
    description: 'send due crawls (otcwatch schedule) to the pg-boss queue for workers, on the shared PostgreSQL (DATABASE_URL)',
    load: async () => (await import('./scheduler.ts')).registerScheduler,
  },
  {
    name: 'worker',
    description: 'take crawl jobs from the pg-boss queue on the shared PostgreSQL (DATABASE_URL); JSON lines on stdout',
    load: async () => (await import('./worker.ts')).registerWorker,
  },
  {
    name: 'status',
    description: 'the crawl queue, live workers, runs in flight per host with pages done, and the last failures',
    load: async () => (await import('./status.ts')).registerStatus,
  },
  {
    name: 'sql',
    description: 'run SQL against the store and print a table (read-only unless --write; contact handles masked and control characters neutralised unless --raw)',
    load: async () => (await import('./sql.ts')).registerSql,
  },
  {
    name: 'schema',
    description: 'the tables and views of the store and what they mean; with a name, its columns',
    load: async () => (await import('./schema.ts')).registerSchema,
  },
];

/**
 * The command a command line runs: its first word that is not an option
 * (`otcwatch help crawl` asks for `crawl`).
 *
 * @example
 * invokedCommand(['runs', '--limit', '5']); // "runs"
 * invokedCommand(['help', 'crawl']);        // "crawl"
 * invokedCommand(['--help']);               // undefined
 */
export function invokedCommand(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
