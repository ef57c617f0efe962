import type { Command } from 'commander';
import { runSql } from '../../store/read-only-query.ts';
import { intOption, print, printJson, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';
import { startSqlWatchdog } from './sql-watchdog.ts';

export function registerSql(command: Command): void {
  command
    .argument('<query>', 'one SQL statement')
    .option('--write', 'allow statements that change data')
    .option('--json', 'print rows as JSON')
    .option('--raw', 'print stored text exactly as it is: contact handles in full, control characters and escape sequences untouched (pipe it to a file, not a terminal)')
    .option('--timeout <seconds>', 'cancel the statement after this long', '30')
    .addHelpText(
      'after',
      `\nExamples:\n  otcwatch sql "select id, source_id, status from crawl_runs order by id desc limit 5"\n  otcwatch sql "select code, is_domestic from payment_methods where category = 'cn_domestic'"\n  otcwatch sql --raw --json "select terms from listing_observations where id = 7" > terms.json\n\nWith OTCWATCH_READ_URL set, read-only statements run as that (read-only) Postgres role.`,
    )
    .action(async (query: string, options: { write?: boolean; json?: boolean; raw?: boolean; timeout: string }) => {
      const runOptions = { write: Boolean(options.write), timeoutMs: intOption('--timeout', options.timeout, 1)! * 1000 };
      const readUrl = process.env.OTCWATCH_READ_URL;
      // A read-only role cannot migrate or register sources, so it is used as is, without opening the store.
      const rows = readUrl && !runOptions.write
        ? await runSql({ engine: 'postgres', url: readUrl }, query, runOptions)
        : await withStore(async (store) => {
          const stop = store.engine === 'pglite' && !runOptions.write ? startSqlWatchdog(runOptions.timeoutMs) : async () => {};
          try {
            return await runSql(store.consoleTarget, query, runOptions);
          } finally {
            await stop();
          }
        }, runOptions.write ? 'write' : 'read');
      if (options.raw) process.stdout.write(`${options.json ? JSON.stringify(rows) : formatTable(rows)}\n`);
      else if (options.json) printJson(rows);
      else print(formatTable(rows));
    });
}
