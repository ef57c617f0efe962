import type { Command } from 'commander';
import type { PolitenessConfig } from '../../crawler/source-adapter.ts';
import { dataDir, limitOption, print, printError, printJson, withStore } from '../cli-context.ts';
import { configuredSinks } from '../alerts/configured-sinks.ts';
import { stopOnSignals } from '../cli-signals.ts';
import { alertLine } from '../alerts/console-sink.ts';
import { listAlerts } from '../../store/alerts.ts';
import { unknownMethodCounts } from '../../store/run-summary.ts';
import { describeUnknownMethods } from '../format/unknown-methods.ts';
import { crawlProgressPrinter } from '../format/progress.ts';
import { afterRun } from '../jobs/after-run.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { storeHostSlots } from '../../store/host-slots.ts';
import { runCrawlJob, type CrawlJobResult } from '../jobs/crawl-job.ts';
import { httpBaseUrl } from '../../crawler/base-url.ts';
import { setSourceBaseUrl } from '../../store/sources.ts';

export function registerCrawl(command: Command): void {
  command
    .argument('<source>', 'source id (see: otcwatch sources)')
    .option('--base-url <url>', 'crawl this base URL instead, and remember it for the source')
    .option('--max-pages <n>', 'stop after this many pages (the run is then partial)')
    .option('--min-gap-ms <ms>', 'override the minimum gap between requests to the host')
    .option('--concurrency <n>', 'override requests in flight to the host')
    .option('--json', 'print the result as JSON')
    .option('--verbose', "also print every alert of a source's first run (its baseline), not only their digest")
    .option('--grace <seconds>', 'on SIGINT/SIGTERM the crawl is cancelled at once and stores what it read; exit anyway after this long', '10')
    .addHelpText(
      'after',
      '\nExit status: 0 when the run is complete or partial, 1 when it failed, 130/143 when SIGINT/SIGTERM cancelled it.' +
        '\n\nExamples:\n  otcwatch crawl demo-api\n  otcwatch crawl demo-html --base-url http://127.0.0.1:8787 --max-pages 3',
    )
    .action(async (sourceId: string, options: { baseUrl?: string; maxPages?: string; minGapMs?: string; concurrency?: string; json?: boolean; verbose?: boolean; grace: string }) => {
      const politeness: Partial<PolitenessConfig> = {};
      const minGapMs = limitOption('--min-gap-ms', options.minGapMs, 'minGapMs');
      const concurrency = limitOption('--concurrency', options.concurrency, 'concurrency');
      if (minGapMs !== undefined) politeness.minGapMs = minGapMs;
      if (concurrency !== undefined) politeness.concurrency = concurrency;
      const maxPages = limitOption('--max-pages', options.maxPages, 'maxPages');
      const graceMs = limitOption('--grace', options.grace, 'graceSeconds')! * 1000;
      // With --json, stdout carries only the JSON; alerts and the diff line go to stderr.
      const say = (line: string) => (options.json ? printError(line) : print(line));
      const sinks = configuredSinks(process.env, { console: { write: say } });
      // Caught from the start: a signal while the store opens cancels the crawl before its first page.
      const stop = stopOnSignals({ graceMs, say: printError });
      try {
        await withStore(async (store) => {
          if (options.baseUrl) await setSourceBaseUrl(store.db, sourceId, httpBaseUrl(options.baseUrl, '--base-url'));
          const services = createCrawlServices({ dataDir: dataDir(), slots: storeHostSlots(store.db) });
          const progress = crawlProgressPrinter(process.stderr, sourceId);
          try {
            const result = await runCrawlJob(store, services, sourceId, {
              politeness,
              signal: stop.signal,
              ...(maxPages !== undefined ? { maxPages } : {}),
              onProgress: progress.update,
            });
            progress.done();
            const unknown = (await unknownMethodCounts(store.db, [result.runId])).get(result.runId) ?? [];
            if (options.json) printJson({ ...result, unknownMethods: unknown });
            else print(describeCrawl(result));
            if (unknown.length > 0 && !options.json) print(`  unknown payment methods (add them to the catalog): ${describeUnknownMethods(unknown)}`);
            // A cancelled run is not diffed now: the person asked to stop, and
            // its "appeared" facts come again with the next run of the source.
            if (result.status !== 'cancelled') await afterRun(store, result, { sinks, log: say });
            if (options.verbose) {
              for (const alert of await listAlerts(store.db, { runId: result.runId, includeBaseline: true, includeAcked: true, limit: 1_000_000 })) {
                if (alert.baseline) say(alertLine(alert));
              }
            }
            if (result.status === 'failed') process.exitCode = 1;
            if (result.status === 'cancelled') process.exitCode = stop.exitCode;
          } finally {
            await services.close();
          }
        });
      } finally {
        stop.dispose();
      }
    });
}

/** One readable line per crawl, shared by `crawl` and `demo`. */
export function describeCrawl(r: CrawlJobResult): string {
  const fetched = r.pagesOk + r.pagesFailed - r.resumedPages;
  const rate = r.elapsedMs > 0 ? ` (${(fetched / (r.elapsedMs / 1000)).toFixed(1)} pages/s)` : '';
  const resumed = r.resumed ? ` (resumed: ${r.resumedPages} pages read before were not fetched again)` : '';
  const base = `run #${r.runId} ${r.sourceId}: ${r.status}${resumed} — ${r.pagesOk} pages ok, ${r.pagesFailed} failed, ${r.listings} listings, ${r.parseFailures} parse failures in ${(r.elapsedMs / 1000).toFixed(2)} s${rate}`;
  return r.error ? `${base}\n  ${r.error}` : base;
}
