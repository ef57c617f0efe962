import test from 'ava';
import { crawlMetrics } from '../scripts/jobs/crawl-metrics.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/** The value of one sample line of the Prometheus text, e.g. `otcwatch_pages_total{source="demo-api",outcome="ok"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test(title('metrics: pages, listings, runs and failures of a crawl, and one latency sample per request the server saw'), async (t) => {
  const metrics = crawlMetrics();
  const rig = await demoCrawlRig(t, { seed: 42 }, { observer: metrics.observer });
  await rig.source('demo-api');
  rig.market.advance(); // two API pages
  rig.market.faults.inject({ path: '/api/v1/ads', query: { page: '2' }, kind: '503' });
  const result = await rig.crawl('demo-api');
  metrics.recordCrawl(result);
  t.is(result.status, 'partial');

  const text = await metrics.registry.metrics();
  const host = new URL(rig.market.url).host;
  t.is(sample(text, 'otcwatch_pages_total{source="demo-api",outcome="ok"}'), 1);
  t.is(sample(text, 'otcwatch_pages_total{source="demo-api",outcome="failed"}'), 1);
  t.is(sample(text, 'otcwatch_listings_total{source="demo-api"}'), result.listings);
  t.is(sample(text, 'otcwatch_runs_total{source="demo-api",status="partial"}'), 1);
  t.is(sample(text, `otcwatch_fetch_failures_total{fetcher="http",host="${host}",kind="http_status"}`), 1);
  // The server's own log is the oracle: robots.txt, page 1, and page 2 three times (the rig's retry attempts).
  const requests = rig.market.requestLog.entries.filter((e) => !e.control).length;
  t.is(requests, 5);
  t.is(sample(text, `otcwatch_fetch_duration_seconds_count{fetcher="http",host="${host}"}`), requests);
});
