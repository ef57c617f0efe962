import type { Command } from 'commander';
import { runSql } from '../../store/read-only-query.ts';
import { print, printJson, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('run SQL against the store and print a table (read-only unless --write; contact handles masked and control characters neutralised unless --raw)')
    .argument('<query>', 'one SQL statement')
    .option('--write', 'allow statements that change data')
    .option('--json', 'print rows as JSON')
    .option('--raw', 'print stored text exactly as it is: contact handles in full, control characters and escape sequences untouched (pipe it to a file, not a terminal)')
    .addHelpText(
      'after',
      `\nExamples:\n  otcwatch sql "select id, source_id, status from crawl_runs order by id desc limit 5"\n  otcwatch sql "select code, is_domestic from payment_methods where category = 'cn_domestic'"\n  otcwatch sql --raw --json "select terms from listing_observations where id = 7" > terms.json`,
    )
    .action(async (query: string, options: { write?: boolean; json?: boolean; raw?: boolean }) => {
      await withStore(async (store) => {
        const rows = await runSql(store.db, query, { write: Boolean(options.write) });
        if (options.raw) process.stdout.write(`${options.json ? JSON.stringify(rows) : formatTable(rows)}\n`);
        else if (options.json) printJson(rows);
        else print(formatTable(rows));
      });
    });
}
