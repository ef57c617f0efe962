import type { Command } from 'commander';
import type { RunFilter } from '../../store/report/report-filter.ts';
import { print, UsageError, withStore } from '../cli-context.ts';
import { writeReport } from '../report/write-report.ts';

export function registerReport(command: Command): void {
  command
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--source <id...>', 'only these sources (default: all)')
    .option('--since <date>', 'only runs started at or after this date or ISO time (2024-05-01, 2024-05-01T08:00Z)')
    .addHelpText('after', '\nThe file needs no network to view: the chart library (uPlot) is inlined.\n\nExamples:\n  otcwatch report --out report.html\n  otcwatch report --source demo-api demo-html --since 2024-05-01 --out may.html')
    .action(async (options: { out: string; source?: string[]; since?: string }) => {
      const filter = runFilterOptions(options);
      await withStore(async (store) => {
        const written = await writeReport(store, { filter, out: options.out });
        print(`wrote ${written.out} (${Math.round(written.bytes / 1024)} KiB): ${written.charts} charts, ${written.operators} domestic-facing operators, ${written.runs} runs`);
      }, 'read');
    });
}

/**
 * `--source` and `--since` as a run filter, shared by `report` and `export`.
 *
 * @example
 * runFilterOptions({ source: ['demo-api'], since: '2024-05-01' }); // { sourceIds: ['demo-api'], since: 2024-05-01T00:00:00.000Z }
 */
export function runFilterOptions(options: { source?: string[]; since?: string }): RunFilter {
  const filter: RunFilter = {};
  if (options.source?.length) filter.sourceIds = options.source;
  if (options.since !== undefined) {
    const at = Date.parse(options.since);
    if (!/^\d{4}-\d{2}-\d{2}/.test(options.since) || Number.isNaN(at)) throw new UsageError(`--since must be a date or ISO time (2024-05-01, 2024-05-01T08:00Z), got "${options.since}"`);
    filter.since = new Date(at);
  }
  return filter;
}
