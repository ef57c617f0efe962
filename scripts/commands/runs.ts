import type { Command } from 'commander';
import { listRuns } from '../../store/crawl-runs.ts';
import { unknownMethodCounts } from '../../store/run-summary.ts';
import { describeUnknownMethods } from '../format/unknown-methods.ts';
import { intOption, print, printJson, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';

export function registerRuns(command: Command): void {
  command
    .option('--source <id>', 'only this source')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExamples:\n  otcwatch runs\n  otcwatch runs --source demo-api --limit 5')
    .action(async (options: { source?: string; limit: string; json?: boolean }) => {
      await withStore(async (store) => {
        const runs = await listRuns(store.db, { ...(options.source ? { sourceId: options.source } : {}), limit: intOption('--limit', options.limit, 1)! });
        const unknown = await unknownMethodCounts(store.db, runs.map((r) => r.id));
        if (options.json) {
          printJson(runs.map((r) => ({ ...r, unknown_methods: unknown.get(r.id) ?? [] })));
          return;
        }
        print(
          formatTable(
            runs.map((r) => ({
              run: r.id,
              source: r.source_id,
              status: r.status,
              started: r.started_at.toISOString(),
              seconds: r.finished_at ? ((r.finished_at.getTime() - r.started_at.getTime()) / 1000).toFixed(2) : '',
              pages_ok: r.pages_ok,
              pages_failed: r.pages_failed,
              listings: r.listings_count,
              parse_failures: r.parse_failures_count,
              unknown_methods: describeUnknownMethods(unknown.get(r.id) ?? []),
              error: r.error ?? '',
            })),
            { maxCellWidth: 70 },
          ),
        );
      }, 'read');
    });
}
