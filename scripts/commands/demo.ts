import type { Command } from 'commander';
import { BrowserNotFoundError, findBrowser } from '../../crawler/fetch/find-browser.ts';
import { getAdapter } from '../../crawler/sources/index.ts';
import { summarizeRun } from '../../store/run-summary.ts';
import { upsertSource } from '../../store/sources.ts';
import type { Store } from '../../store/connection.ts';
import { configuredSinks } from '../alerts/configured-sinks.ts';
import { dataDir, intOption, print, UsageError, withStore } from '../cli-context.ts';
import { startDemoMarketplace } from '../demo/marketplace-server.ts';
import { diffHighlights } from '../format/diff-text.ts';
import { afterRun } from '../jobs/after-run.ts';
import { adapterSourceRegistration } from '../jobs/builtin-sources.ts';
import { createCrawlServices } from '../jobs/crawl-services.ts';
import { runCrawlJob } from '../jobs/crawl-job.ts';
import { describeCrawl } from './crawl.ts';

/** The demo sources crawled by `otcwatch demo`, in order (`demo-browser` only when a browser is found). */
export const DEMO_SOURCES = ['demo-api', 'demo-html', 'demo-browser'];

export function registerDemo(command: Command): void {
  const demo = command
    .addHelpText('after', '\nExamples:\n  otcwatch demo\n  otcwatch demo --ticks 5 --seed 7\n  otcwatch demo serve --port 8787');

  demo
    .command('run', { isDefault: true })
    .description('start the demo marketplace, crawl it over several ticks into the store, print what was found and what changed')
    .option('--ticks <n>', 'how many marketplace ticks to crawl', '3')
    .option('--seed <n>', 'marketplace seed', '42')
    .action(async (options: { ticks: string; seed: string }) => {
      const ticks = intOption('--ticks', options.ticks, 1)!;
      const market = await startDemoMarketplace({ seed: intOption('--seed', options.seed, 0)! });
      print(`demo marketplace at ${market.url} (seed ${options.seed})`);
      try {
        await withStore(async (store) => {
          print(`store: ${store.engine} ${store.location}`);
          await pointDemoSourcesAt(store, market.url);
          const sources = crawlableDemoSources();
          const services = createCrawlServices({ dataDir: dataDir() });
          const indented = (line: string) => print(`    ${line}`);
          const sinks = configuredSinks(process.env, { console: { write: indented } });
          try {
            for (let tick = 0; tick < ticks; tick += 1) {
              if (tick > 0) market.advance();
              print(`\ntick ${market.tick}`);
              for (const sourceId of sources) {
                const result = await runCrawlJob(store, services, sourceId);
                print(`  ${describeCrawl(result)}`);
                const summary = await summarizeRun(store.db, result.runId);
                const methods = summary.domesticMethods.map((m) => `${m.code} ${m.listings}`).join(', ');
                print(`    ${summary.operators} operators; domestic payment methods: ${methods || 'none'}`);
                const { diff } = await afterRun(store, result, { sinks, log: indented });
                if (diff) diffHighlights(diff).forEach(indented);
              }
            }
          } finally {
            await services.close();
          }
        });
      } finally {
        await market.close();
      }
      print('\nquery it: otcwatch runs; otcwatch diff demo-api; otcwatch alerts; otcwatch sql "select * from listing_observations limit 5"');
    });

  demo
    .command('serve')
    .description('serve the demo marketplace until stopped (for crawling it by hand)')
    .option('--port <n>', 'port on 127.0.0.1', '8787')
    .option('--seed <n>', 'marketplace seed', '42')
    .option('--tick-every <seconds>', 'advance the marketplace every N seconds (0 = only by POST /_demo/advance)', '0')
    .option('--ads <n>', 'ads at tick 0 (default about 60), for crawling many pages')
    .option('--page-size <n>', 'ads per HTML page and default API rows, 1–50', '20')
    .addHelpText('after', '\nExample (400 JSON pages of 50, 1,000 HTML pages of 20):\n  otcwatch demo serve --ads 20000 --page-size 50')
    .action(async (options: { port: string; seed: string; tickEvery: string; ads?: string; pageSize: string }) => {
      const ads = intOption('--ads', options.ads, 1);
      const pageSize = intOption('--page-size', options.pageSize, 1)!;
      if (pageSize > 50) throw new UsageError(`--page-size must be 1–50, got ${pageSize}`);
      const market = await startDemoMarketplace({
        port: intOption('--port', options.port, 0)!,
        seed: intOption('--seed', options.seed, 0)!,
        pageSize,
        ...(ads !== undefined ? { ads } : {}),
      });
      const every = intOption('--tick-every', options.tickEvery, 0)!;
      const timer = every > 0 ? setInterval(() => market.advance(), every * 1000) : undefined;
      print(`demo marketplace at ${market.url} (${market.state().ads.length} ads): /api/v1/ads, /market, /app; POST /_demo/advance moves a tick. Ctrl-C stops.`);
      await waitForSignal();
      if (timer) clearInterval(timer);
      await market.close();
    });
}

/** Points the demo sources at this marketplace, keeping their other settings. */
async function pointDemoSourcesAt(store: Store, url: string): Promise<void> {
  for (const id of DEMO_SOURCES) await upsertSource(store.db, adapterSourceRegistration(getAdapter(id), { baseUrl: url }));
}

/** The demo sources this machine can crawl: without a browser, the browser source is skipped, saying why and how to get one. */
function crawlableDemoSources(): string[] {
  try {
    findBrowser();
    return DEMO_SOURCES;
  } catch (error) {
    if (!(error instanceof BrowserNotFoundError)) throw error;
    print(`demo-browser skipped: ${error.message}`);
    return DEMO_SOURCES.filter((id) => getAdapter(id).fetcher !== 'browser');
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

