import type { Command } from 'commander';
import { openStore, storeOptionsFromEnv } from '../../store/connection.ts';
import { migrateDown, migrateToLatest, migrationStatus } from '../../store/migrate.ts';
import { syncPaymentMethodCatalog } from '../../store/payment-methods.ts';
import { registerBuiltinSources } from '../jobs/builtin-sources.ts';
import { formatTable } from '../format/table.ts';
import { print, UsageError } from '../cli-context.ts';

export function registerMigrate(command: Command): void {
  command
    .argument('[direction]', 'up | down | status', 'up')
    .option('--all', 'with down: undo every migration')
    .addHelpText('after', '\nExamples:\n  otcwatch migrate\n  otcwatch migrate status\n  otcwatch migrate down --all')
    .action(async (direction: string, options: { all?: boolean }) => {
      const store = await openStore(storeOptionsFromEnv());
      try {
        if (direction === 'up') {
          const applied = await migrateToLatest(store.db);
          await syncPaymentMethodCatalog(store.db);
          await registerBuiltinSources(store);
          print(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
        } else if (direction === 'down') {
          const undone = await migrateDown(store.db, { all: Boolean(options.all) });
          print(undone.length ? `undone: ${undone.join(', ')}` : 'nothing to undo');
        } else if (direction === 'status') {
          const rows = await migrationStatus(store.db);
          print(`store: ${store.engine} ${store.location}`);
          print(formatTable(rows.map((m) => ({ migration: m.name, applied_at: m.executedAt ?? 'pending' }))));
        } else {
          throw new UsageError(`unknown direction "${direction}"; use up, down or status`);
        }
      } finally {
        await store.close();
      }
    });
}
