import type { Command } from 'commander';
import { configuredSinks } from '../alerts/configured-sinks.ts';
import { dataDir, limitOption, printJson, withStore } from '../cli-context.ts';
import { afterRun, analysePendingRuns } from '../jobs/after-run.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { storeHostSlots } from '../../store/host-slots.ts';
import { Scheduler, type SchedulerEvent } from '../jobs/scheduler.ts';

export function registerRun(command: Command): void {
  command
    .option('--grace <seconds>', 'on SIGINT/SIGTERM, how long a crawl in flight may finish before it is aborted (stored as partial)', '30')
    .option('--poll <seconds>', 're-read the schedules this often (to see changes made while it runs)', '10')
    .addHelpText(
      'after',
      '\nWith the embedded store, `run` holds it: stop it before other commands, or use PostgreSQL (DATABASE_URL).' +
        '\nMissed occurrences (while nothing ran) fire once on start, not as a burst.' +
        '\n\nExamples:\n  otcwatch run\n  otcwatch run --grace 10 > otcwatch-run.jsonl',
    )
    .action(async (options: { grace: string; poll: string }) => {
      const graceMs = limitOption('--grace', options.grace, 'graceSeconds')! * 1000;
      const pollMs = limitOption('--poll', options.poll, 'pollSeconds')! * 1000;
      const log = (event: SchedulerEvent) => printJson({ at: new Date().toISOString(), ...event });
      const sinks = configuredSinks(process.env, { console: { write: (line) => log({ event: 'alert', line }) } });
      // Signals are caught from the start: one arriving while the store opens stops the scheduler before its first crawl.
      let stopWith: NodeJS.Signals | undefined;
      let scheduler: Scheduler | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        stopWith ??= signal;
        scheduler?.stop(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let clean = true;
      try {
        clean = await withStore(async (store) => {
          // Runs closed by a process that died before their alerts were stored.
          await analysePendingRuns(store, { sinks, log: (line) => log({ event: 'after-run', line }) });
          const services = createCrawlServices({ dataDir: dataDir(), slots: storeHostSlots(store.db) });
          scheduler = new Scheduler({
            store,
            services,
            graceMs,
            pollMs,
            log,
            afterRun: (s, run) => afterRun(s, run, { sinks, log: (line) => log({ event: 'after-run', source: run.sourceId, run: run.runId, line }) }),
          });
          if (stopWith) scheduler.stop(stopWith);
          try {
            return await scheduler.run();
          } finally {
            await services.close();
          }
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      // A crawl that outlived the abort wait has had its run marked failed; do not wait for it.
      if (!clean) process.exit(0);
    });
}
