import type { Command } from 'commander';
import { configuredSinks } from '../alerts/configured-sinks.ts';
import { dataDir, intOption, logJsonLine, printError, sharedDatabaseUrl, withStore } from '../cli-context.ts';
import { stopOnSignals } from '../cli-signals.ts';
import { afterRun, analysePendingRuns } from '../jobs/after-run.ts';
import { crawlQueueSettingsFromEnv, openCrawlQueue } from '../jobs/crawl-queue.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { CrawlWorker } from '../jobs/crawl-worker.ts';
import { storeHostSlots } from '../../store/host-slots.ts';

export function registerWorker(command: Command): void {
  command
    .option('--concurrency <n>', 'crawl jobs at once (different sources)', '1')
    .option('--grace <seconds>', 'on SIGINT/SIGTERM, how long crawls in flight may go on before they are cancelled', '30')
    .addHelpText(
      'after',
      '\nAny number of workers on any machines may share one DATABASE_URL; `otcwatch scheduler` fills the queue.' +
        '\nA worker killed mid-crawl leaves its job to pg-boss, and another worker resumes the run from its stored pages.' +
        '\n\nExamples:\n  DATABASE_URL=postgres://otc@db/otcwatch otcwatch worker --concurrency 2',
    )
    .action(async (options: { concurrency: string; grace: string }) => {
      const concurrency = intOption('--concurrency', options.concurrency, 1)!;
      if (concurrency > 64) throw new Error(`--concurrency must be at most 64, got ${concurrency}`);
      const graceMs = intOption('--grace', options.grace, 0)! * 1000;
      const databaseUrl = sharedDatabaseUrl('otcwatch worker');
      const settings = crawlQueueSettingsFromEnv(process.env);
      const sinks = configuredSinks(process.env, { console: { write: (line) => logJsonLine({ event: 'alert', line }) } });
      // The grace is the worker's; the process itself gives up 30 s after it.
      const stop = stopOnSignals({ graceMs: graceMs + 30_000, say: printError });
      const stopping = new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve())));
      try {
        await withStore(async (store) => {
          const passOptions = { sinks, log: (line: string) => logJsonLine({ event: 'after-run', line }) };
          await analysePendingRuns(store, passOptions);
          const services = createCrawlServices({ dataDir: dataDir(), slots: storeHostSlots(store.db) });
          const boss = await openCrawlQueue(databaseUrl, settings);
          const worker = new CrawlWorker({
            store,
            services,
            boss,
            settings,
            concurrency,
            graceMs,
            log: logJsonLine,
            afterRun: (s, run) => afterRun(s, run, passOptions),
          });
          try {
            await worker.start();
            await stopping;
            await worker.stop();
          } finally {
            await boss.stop({ graceful: false, wait: true });
            await services.close();
          }
        });
      } finally {
        stop.dispose();
      }
    });
}
