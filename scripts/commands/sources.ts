import type { Command } from 'commander';
import { httpBaseUrl } from '../../crawler/base-url.ts';
import { listRuns } from '../../store/crawl-runs.ts';
import { findSource, listSources, upsertSource } from '../../store/sources.ts';
import type { PolitenessLimitName } from '../../crawler/crawl-limits.ts';
import { limitOption, print, UsageError, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';
import { registerSourcesAuthoring } from './sources-authoring.ts';

export function registerSources(command: Command): void {
  const sources = command
    .addHelpText('after', '\nExamples:\n  otcwatch sources\n  otcwatch sources set demo-api --base-url http://127.0.0.1:8787 --min-gap-ms 200\n  otcwatch sources validate board.yaml && otcwatch sources try board.yaml && otcwatch sources add board.yaml');

  sources
    .command('list', { isDefault: true })
    .description('list sources with their last run')
    .action(async () => {
      await withStore(async (store) => {
        const rows = await listSources(store.db);
        const table = [];
        for (const s of rows) {
          const [last] = await listRuns(store.db, { sourceId: s.id, limit: 1 });
          table.push({
            source: s.id,
            adapter: s.adapter,
            kind: s.kind,
            platform: s.platform,
            base_url: s.base_url,
            enabled: s.enabled,
            last_run: last ? `#${last.id} ${last.status} ${last.started_at.toISOString()}` : '',
          });
        }
        print(formatTable(table, { maxCellWidth: 60 }));
      });
    });

  sources
    .command('set')
    .description("change a source's base URL, politeness or state")
    .argument('<source>', 'source id')
    .option('--base-url <url>', 'where to crawl it (a mirror, a local test server)')
    .option('--min-gap-ms <ms>', 'minimum time between two requests to its host')
    .option('--concurrency <n>', 'requests in flight to its host at once')
    .option('--requests-per-interval <n>', 'at most this many requests per --interval-ms (0 = no cap)')
    .option('--interval-ms <ms>', 'window for --requests-per-interval')
    .option('--no-robots', 'do not honour robots.txt (only with the site owner\'s permission)')
    .option('--robots', 'honour robots.txt again')
    .option('--max-pages <n>', 'page cap of one crawl')
    .option('--disable', 'skip this source in scheduled crawls')
    .option('--enable', 'crawl this source again')
    .action(async (id: string, options: Record<string, string | boolean | undefined>, command: Command) => {
      await withStore(async (store) => {
        const row = await findSource(store.db, id);
        if (!row) throw new UsageError(`unknown source "${id}"; list them with: otcwatch sources`);
        const politeness: Record<string, unknown> = { ...row.politeness };
        const setNumber = (key: PolitenessLimitName, flag: string) => {
          const value = limitOption(flag, options[key] as string | undefined, key);
          if (value !== undefined) politeness[key] = value;
        };
        setNumber('minGapMs', '--min-gap-ms');
        setNumber('concurrency', '--concurrency');
        setNumber('requestsPerInterval', '--requests-per-interval');
        setNumber('intervalMs', '--interval-ms');
        if (command.getOptionValueSource('robots') === 'cli') politeness.respectRobots = options.robots !== false;
        const params: Record<string, unknown> = { ...row.params };
        const maxPages = limitOption('--max-pages', options.maxPages as string | undefined, 'maxPages');
        if (maxPages !== undefined) params.maxPages = maxPages;
        await upsertSource(store.db, {
          id,
          adapter: row.adapter,
          platform: row.platform,
          kind: row.kind,
          baseUrl: options.baseUrl ? httpBaseUrl(options.baseUrl as string, '--base-url') : row.base_url,
          params,
          politeness,
          hostCountry: row.host_country,
          enabled: options.disable ? false : options.enable ? true : row.enabled,
        });
        print(`source ${id} updated`);
      });
    });

  registerSourcesAuthoring(sources);
}
