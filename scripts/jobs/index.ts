/**
 * `otcwatch/pipeline`: the run pipeline as a library — the crawl job (a
 * source's crawl, stored as a snapshot), the after-run pass (diff, alerts,
 * scores, delivery), the alert sinks and the built-in sources. What the CLI
 * runs, with no CLI in it. An example is in the README ("Using otcwatch as
 * a library").
 *
 * @example
 * import { afterRun, createCrawlServices, runCrawlJob } from 'otcwatch/pipeline';
 * const result = await runCrawlJob(store, services, 'demo-api');
 * await afterRun(store, result, { sinks: configuredSinks(process.env) });
 */
export type { AlertSink } from '../alerts/alert-sink.ts';
export { configuredSinks } from '../alerts/configured-sinks.ts';
export { deliverAlerts, type DeliveryReport } from '../alerts/deliver-alerts.ts';
export { afterRun, type AfterRunOptions, type AfterRunReport } from './after-run.ts';
export { adapterSourceRegistration, registerBuiltinSources } from './builtin-sources.ts';
export { runCrawlJob, type CrawlJobOptions, type CrawlJobResult } from './crawl-job.ts';
export { createCrawlServices, type CrawlServices, type CrawlServicesOptions } from './crawl-services.ts';
export { scoreRun, type ScoreRunResult } from './score-run.ts';
