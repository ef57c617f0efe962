import type { Command } from 'commander';
<<<<<<< HEAD
import { registerAlerts } from './alerts.ts';
import { registerCrawl } from './crawl.ts';
import { registerDemo } from './demo.ts';
import { registerDiff } from './diff.ts';
import { registerExport } from './export.ts';
import { registerMigrate } from './migrate.ts';
import { registerOperators } from './operators.ts';
import { registerReport } from './report.ts';
import { registerRun } from './run.ts';
import { registerRuns } from './runs.ts';
import { registerSchedule } from './schedule.ts';
import { registerScheduler } from './scheduler.ts';
import { registerSchema } from './schema.ts';
import { registerSources } from './sources.ts';
import { registerSql } from './sql.ts';
import { registerStatus } from './status.ts';
import { registerWorker } from './worker.ts';

/** Every CLI command, in help order; a new command is one file and one line here. */
export const commands: readonly ((program: Command) => void)[] = [
  registerDemo,
  registerMigrate,
  registerSources,
  registerCrawl,
  registerRuns,
  registerDiff,
  registerAlerts,
  registerOperators,
  registerReport,
  registerExport,
  registerSchedule,
  registerRun,
  registerScheduler,
  registerWorker,
  registerStatus,
  registerSql,
  registerSchema,
=======

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
  { name: 'schedule', description: 'recurring crawls, kept in the store and fired by `otcwatch run`', load: async () => (await import('./schedule.ts')).registerSchedule },
  {
    name: 'run',
    description: 'the long-running scheduler: fire due crawls, diff, alert and score after each; JSON lines on stdout',
    load: async () => (await import('./run.ts')).registerRun,
  },
  {
    name: 'sql',
    description: 'run SQL against the store and print a table (read-only unless --write; contact handles masked and control characters neutralised unless --raw)',
    load: async () => (await import('./sql.ts')).registerSql,
  },
>>>>>>> a78f7e9 (Start-up: the bin runs TypeScript compiled to dist/ (built by prepare/pretest), commands load only when they run, one query says whether the schema is current, the payment-method table and built-in sources are rewritten only when their hash moved, and read-only commands open the store READ ONLY so a SELECT-only role can run them; the application no longer imports UsageError or CLI formatting (scripts/text))
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
