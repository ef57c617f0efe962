import type { Command } from 'commander';
import { dataDir, intOption, logJsonLine, logQueueError, printError, sharedDatabaseUrl, withStore } from '../cli-context.ts';
import { stopOnSignals } from '../cli-signals.ts';
import { crawlQueueSettingsFromEnv, enqueueCrawl, openCrawlQueue } from '../jobs/crawl-queue.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { Scheduler } from '../jobs/scheduler.ts';

export function registerScheduler(command: Command): void {
  command
    .option('--poll <seconds>', 're-read the schedules this often', '10')
    .addHelpText(
      'after',
      '\nSeveral schedulers may run (for availability): an occurrence is claimed once in the database, and the queue holds one waiting crawl per source.' +
        '\n\nExamples:\n  DATABASE_URL=postgres://otc@db/otcwatch otcwatch scheduler',
    )
    .action(async (options: { poll: string }) => {
      const pollMs = intOption('--poll', options.poll, 1)! * 1000;
      const databaseUrl = sharedDatabaseUrl('otcwatch scheduler');
      let scheduler: Scheduler | undefined;
      const stop = stopOnSignals({ graceMs: 30_000, say: printError });
      stop.signal.addEventListener('abort', () => scheduler?.stop(stop.received ?? 'signal'));
      try {
        await withStore(async (store) => {
          const boss = await openCrawlQueue(databaseUrl, crawlQueueSettingsFromEnv(process.env), {
            supervise: false,
            onError: logQueueError,
          });
          const services = createCrawlServices({ dataDir: dataDir() });
          scheduler = new Scheduler({
            store,
            services,
            pollMs,
            log: logJsonLine,
            enqueue: (task) => enqueueCrawl(boss, task),
            afterRun: async () => {}, // Workers run it, after their crawls.
          });
          if (stop.signal.aborted) scheduler.stop(stop.received ?? 'signal');
          try {
            await scheduler.run();
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
