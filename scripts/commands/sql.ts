import type { Command } from 'commander';
import { runSql } from '../../store/read-only-query.ts';
import { withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('run SQL against the store and print a table (read-only unless --write)')
    .argument('<query>', 'one SQL statement')
    .option('--write', 'allow statements that change data')
    .option('--json', 'print rows as JSON')
    .addHelpText('after', `\nExamples:\n  otcwatch sql "select id, source_id, status from crawl_runs order by id desc limit 5"\n  otcwatch sql "select code, is_domestic from payment_methods where category = 'cn_domestic'"`)
    .action(async (query: string, options: { write?: boolean; json?: boolean }) => {
      await withStore(async (store) => {
        const rows = await runSql(store.db, query, { write: Boolean(options.write) });
        console.log(options.json ? JSON.stringify(rows) : formatTable(rows));
      });
    });
}
