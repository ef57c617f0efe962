import type { Command } from 'commander';
import { diffRuns } from '../../store/diff/diff-runs.ts';
import { DEFAULT_THRESHOLDS } from '../../store/diff/run-diff.ts';
import { findSource } from '../../store/sources.ts';
import { intOption, print, printJson, UsageError, withStore } from '../cli-context.ts';
import { formatDiff } from '../format/diff-text.ts';

export function registerDiff(command: Command): void {
  command
    .argument('<source>', 'source id (see: otcwatch sources)')
    .option('--from <run>', 'baseline run (default: the latest complete run before --to)')
    .option('--to <run>', 'run to compare (default: the latest complete or partial run)')
    .option('--price-threshold <fraction>', 'report price moves of at least this relative size', String(DEFAULT_THRESHOLDS.price))
    .option('--volume-threshold <fraction>', 'report available-volume moves of at least this relative size', String(DEFAULT_THRESHOLDS.volume))
    .option('--json', 'print the diff as JSON')
    .addHelpText(
      'after',
      '\nA partial to-run reports what appeared, never what vanished.\n\nExamples:\n  otcwatch diff demo-api\n  otcwatch diff demo-api --from 3 --to 7 --price-threshold 0.002\n  otcwatch diff demo-api --json | jq \'.methods.operators.added[] | select(.domestic)\'',
    )
    .action(async (sourceId: string, options: { from?: string; to?: string; priceThreshold: string; volumeThreshold: string; json?: boolean }) => {
      const thresholds = {
        price: fractionOption('--price-threshold', options.priceThreshold),
        volume: fractionOption('--volume-threshold', options.volumeThreshold),
      };
      const fromRunId = intOption('--from', options.from, 1);
      const toRunId = intOption('--to', options.to, 1);
      await withStore(async (store) => {
        if (!(await findSource(store.db, sourceId))) throw new UsageError(`unknown source "${sourceId}"; list them with: otcwatch sources`);
        const diff = await diffRuns(store.db, { sourceId, fromRunId, toRunId, thresholds });
        if (options.json) printJson(diff);
        else if (!diff) print(`${sourceId} has no two runs to compare yet (a complete run, then a complete or partial one); crawl it: otcwatch crawl ${sourceId}`);
        else print(formatDiff(diff));
      }, 'read');
    });
}

function fractionOption(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a fraction ≥ 0 such as 0.01 (1 %), got "${value}"`);
  return n;
}
