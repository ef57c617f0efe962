import type { Command } from 'commander';
import { configuredSinks } from '../alerts/configured-sinks.ts';
import { dataDir, intOption, logJsonLine, logQueueError, printError, sharedDatabaseUrl, UsageError, withStore } from '../cli-context.ts';
import { stopOnSignals } from '../cli-signals.ts';
import { afterRun, analysePendingRuns } from '../jobs/after-run.ts';
import { CRAWL_QUEUE, crawlQueueSettingsFromEnv, openCrawlQueue } from '../jobs/crawl-queue.ts';
import { crawlMetrics } from '../jobs/crawl-metrics.ts';
import { serveMetrics } from '../jobs/metrics-server.ts';
import { queueCounts } from '../../store/crawl-status.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { CrawlWorker } from '../jobs/crawl-worker.ts';
import { storeHostSlots } from '../../store/host-slots.ts';

export function registerWorker(command: Command): void {
  command
    .option('--concurrency <n>', 'crawl jobs at once (different sources)', '1')
    .option('--grace <seconds>', 'on SIGINT/SIGTERM, how long crawls in flight may go on before they are cancelled', '30')
    .option('--metrics-port <port>', 'serve Prometheus metrics on http://HOST:PORT/metrics')
    .option('--metrics-host <host>', 'the address the metrics server listens on', '127.0.0.1')
    .addHelpText(
      'after',
      '\nAny number of workers on any machines may share one DATABASE_URL; `otcwatch scheduler` fills the queue.' +
        '\nA worker killed mid-crawl leaves its job to pg-boss, and another worker resumes the run from its stored pages.' +
        '\n\nExamples:\n  DATABASE_URL=postgres://otc@db/otcwatch otcwatch worker --concurrency 2\n  otcwatch worker --metrics-port 9464 --metrics-host 0.0.0.0',
    )
    .action(async (options: { concurrency: string; grace: string; metricsPort?: string; metricsHost: string }) => {
      const metricsPort = intOption('--metrics-port', options.metricsPort, 1);
      if (metricsPort !== undefined && metricsPort > 65_535) throw new UsageError(`--metrics-port must be at most 65535, got ${metricsPort}`);
      const concurrency = intOption('--concurrency', options.concurrency, 1)!;
      if (concurrency > 64) throw new UsageError(`--concurrency must be at most 64, got ${concurrency}`);
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
          const metrics = crawlMetrics();
          const services = createCrawlServices({ dataDir: dataDir(), slots: storeHostSlots(store.db), observer: metrics.observer });
          const boss = await openCrawlQueue(databaseUrl, settings, { onError: logQueueError });
          const server =
            metricsPort === undefined
              ? undefined
              : await serveMetrics({ registry: metrics.registry, port: metricsPort, host: options.metricsHost, queueDepth: () => queueCounts(store.db, CRAWL_QUEUE) });
          if (server) logJsonLine({ event: 'metrics', url: `http://${options.metricsHost}:${metricsPort}/metrics` });
          const worker = new CrawlWorker({
            store,
            services,
            boss,
            settings,
            concurrency,
            graceMs,
            log: logJsonLine,
            afterRun: (s, run) => afterRun(s, run, passOptions),
            onRun: metrics.recordCrawl,
          });
          try {
            await worker.start();
            await stopping;
            await worker.stop();
          } finally {
            await boss.stop({ graceful: false, wait: true });
            await services.close();
            server?.close();
          }
        });
      } finally {
        stop.dispose();
      }
    });
}
