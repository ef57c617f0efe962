import type { Command } from 'commander';
import { print, printJson, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';
import { CRAWL_QUEUE } from '../jobs/crawl-queue.ts';
import { crawlStatus } from '../../store/crawl-status.ts';

export function registerStatus(command: Command): void {
  command
    .option('--json', 'print it as JSON')
    .addHelpText('after', '\nExamples:\n  otcwatch status\n  otcwatch status --json | jq .running')
    .action(async (options: { json?: boolean }) => {
      await withStore(async (store) => {
        // Workers beat every 5 s; three missed beats is dead.
        const status = await crawlStatus(store.db, { queueName: CRAWL_QUEUE, aliveWithinMs: 15_000 });
        if (options.json) {
          printJson(status);
          return;
        }
        const queue = status.queue ? Object.entries(status.queue).map(([state, n]) => `${state} ${n}`).join(', ') : 'none (one-process mode: otcwatch run)';
        print(`queue ${CRAWL_QUEUE}: ${queue}`);
        print(`\nworkers alive: ${status.workers.length}`);
        if (status.workers.length > 0) {
          print(formatTable(status.workers.map((w) => ({ id: w.id, kind: w.kind, concurrency: w.concurrency, jobs_done: w.jobs_done, jobs_failed: w.jobs_failed, heartbeat: `${w.silent_s.toFixed(1)} s ago`, last_error: w.last_error ?? '' }))));
        }
        print(`\nruns in flight: ${status.running.length}`);
        if (status.running.length > 0) {
          print(formatTable(status.running.map((r) => ({ run: r.run_id, source: r.source_id, host: r.host, pages_done: r.pages_done, pages_failed: r.pages_failed, listings: r.listings, heartbeat: r.heartbeat_s === null ? 'never' : `${r.heartbeat_s.toFixed(1)} s ago`, owner: r.owner ?? '' }))));
        }
        if (status.unanalysed > 0) print(`\nclosed runs waiting for their alert pass: ${status.unanalysed}`);
        print(`\nlast failures: ${status.lastFailures.length === 0 ? 'none' : ''}`);
        if (status.lastFailures.length > 0) {
          print(formatTable(status.lastFailures.map((r) => ({ run: r.run_id, source: r.source_id, status: r.status, finished: r.finished_at?.toISOString() ?? '', error: r.error ?? '' }))));
        }
      });
    });
}
