import type { Command } from 'commander';
import { catalogColumns, catalogRelations } from '../../store/schema-catalog.ts';
import { print, printJson, UsageError, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';

export function registerSchema(command: Command): void {
  command
    .argument('[table]', 'a table or view, e.g. listing_observations or v_listing_history')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nThe meanings are the migrations\' COMMENT ON, so psql\'s \\d+ shows them too.\n\nExamples:\n  otcwatch schema\n  otcwatch schema v_listing_history')
    .action(async (table: string | undefined, options: { json?: boolean }) => {
      await withStore(async (store) => {
        if (!table) {
          const relations = await catalogRelations(store.db);
          if (options.json) printJson(relations);
          else print(formatTable(relations.map((r) => ({ name: r.name, kind: r.kind, meaning: r.comment ?? '' })), { maxCellWidth: 120 }));
          return;
        }
        const columns = await catalogColumns(store.db, table);
        if (!columns) throw new UsageError(`no table or view "${table}"; list them with: otcwatch schema`);
        const about = (await catalogRelations(store.db)).find((r) => r.name === table);
        if (options.json) printJson({ ...about, columns });
        else print(`${about?.kind ?? 'table'} ${table}: ${about?.comment ?? '(no description)'}\n\n${formatTable(columns.map((c) => ({ column: c.name, type: c.type, null: c.nullable ? 'yes' : '', meaning: c.comment ?? '' })), { maxCellWidth: 110 })}`);
      });
    });
}
