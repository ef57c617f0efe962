import type { Command } from 'commander';
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
];
