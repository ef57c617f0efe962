import type { Command } from 'commander';
import { registerCrawl } from './crawl.ts';
import { registerDemo } from './demo.ts';
import { registerMigrate } from './migrate.ts';
import { registerRuns } from './runs.ts';
import { registerSources } from './sources.ts';
import { registerSql } from './sql.ts';

/** Every CLI command, in help order; a new command is one file and one line here. */
export const commands: readonly ((program: Command) => void)[] = [
  registerDemo,
  registerMigrate,
  registerSources,
  registerCrawl,
  registerRuns,
  registerSql,
];
