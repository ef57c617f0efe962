import test from 'ava';
import { getAdapter } from '../crawler/sources/index.ts';
import { adapterSourceRegistration } from '../scripts/jobs/builtin-sources.ts';
import { afterRun } from '../scripts/jobs/after-run.ts';
import { upsertSource } from '../store/sources.ts';
import { addShippedSource, runListingKeys } from './helpers/declarative-sources.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { PROXY_FAULTS, startFaultProxy, type ProxyExchange } from './helpers/fault-proxy.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const TICKS = 4;
/** Which requests get faults; `OTCWATCH_FAULT_SEED` tries another draw. */
const SEED = Number(process.env.OTCWATCH_FAULT_SEED ?? 3);

/** The ad ids a listing page holds, read from the marketplace's own answer to it. */
async function adIdsOf(marketUrl: string, target: string): Promise<string[]> {
  const body = await marketAnswer(new URL(target, marketUrl));
  if (target.startsWith('/api/')) return (JSON.parse(body) as { data: { items: { adId: string }[] } }).data.items.map((ad) => ad.adId);
  return [...body.matchAll(/data-ad-id="([^"]+)"/g)].map((m) => m[1]!);
}

/** The marketplace's answer, asked again when a kept-alive socket was closed under the request (a busy machine). */
async function marketAnswer(url: URL): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await (await fetch(url)).text();
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

const isListingPage = (target: string) => target.startsWith('/api/v1/ads') || target.startsWith('/market');

test(title('fault matrix: 20% of requests faulted, over the JSON, HTML and declarative sources: nothing that answered well is missing, an unrecovered page makes the run partial, and no vanish comes from one'), async (t) => {
  t.timeout(15 * 60_000);
  const rig = await demoCrawlRig(t, { seed: 42, tick: 0 });
  const proxy = await startFaultProxy({ upstream: rig.market.url, seed: SEED });
  t.teardown(() => proxy.close());
  const politeness = { minGapMs: 0, concurrency: 4 };
  for (const id of ['demo-api', 'demo-html']) {
    await upsertSource(rig.store.db, adapterSourceRegistration(getAdapter(id), { baseUrl: proxy.url, politeness }));
  }
  await addShippedSource(rig.store, 'demo-json.yaml', proxy.url, politeness);

  const figures = { runs: 0, partial: 0, expected: 0, stored: 0, missing: [] as string[], unrecoveredButComplete: [] as string[], falseVanishes: [] as string[] };
  for (let tick = 0; tick < TICKS; tick += 1) {
    for (const sourceId of ['demo-api', 'demo-html', 'demo-json']) {
      const from = proxy.exchanges.length;
      const run = await rig.crawl(sourceId);
      const report = await afterRun(rig.store, run);
      figures.runs += 1;
      if (run.status !== 'complete') figures.partial += 1;

      const last = new Map<string, ProxyExchange>();
      for (const exchange of proxy.exchanges.slice(from)) if (isListingPage(exchange.target)) last.set(exchange.target, exchange);
      const stored = new Set(await runListingKeys(rig.store, run.runId));
      figures.stored += stored.size;
      for (const [target, exchange] of last) {
        if (!exchange.good) continue;
        const expected = await adIdsOf(rig.market.url, target);
        figures.expected += expected.length;
        for (const adId of expected) if (!stored.has(adId)) figures.missing.push(`run #${run.runId} ${sourceId} ${target}: ${adId}`);
      }
      const unrecovered = [...last.values()].filter((e) => !e.good).map((e) => `${e.target} (${e.fault})`);
      if (unrecovered.length > 0 && run.status === 'complete') figures.unrecoveredButComplete.push(`run #${run.runId} ${sourceId}: ${unrecovered.join(', ')}`);
      if (run.status !== 'complete') {
        const vanished = (report.diff?.operators.vanished.length ?? 0) + (report.diff?.listings.vanished.length ?? 0);
        if (vanished > 0) figures.falseVanishes.push(`run #${run.runId} ${sourceId}: ${vanished} vanish facts`);
      }
    }
    rig.market.advance();
  }
  const partialRuns = (await rig.store.db.selectFrom('crawl_runs').select('id').where('status', '!=', 'complete').execute()).map((r) => r.id);
  const vanishAlerts = partialRuns.length === 0 ? [] : await rig.store.db.selectFrom('alerts').select(['id', 'run_id']).where('kind', '=', 'operator_vanished').where('run_id', 'in', partialRuns).execute();
  for (const alert of vanishAlerts) figures.falseVanishes.push(`alert #${alert.id} operator_vanished from partial run #${alert.run_id}`);

  const requests = proxy.exchanges.filter((e) => isListingPage(e.target)).length;
  const faulted = Object.values(proxy.injected).reduce((a, b) => a + b, 0);
  t.log(`seed ${SEED}: runs ${figures.runs} (${figures.partial} partial), listing-page requests ${requests}, faults injected ${faulted}: ${JSON.stringify(proxy.injected)}`);
  t.log(`listings expected ${figures.expected}, stored ${figures.stored}, missing ${figures.missing.length}, unrecovered-but-complete runs ${figures.unrecoveredButComplete.length}, false vanishes ${figures.falseVanishes.length}`);
  for (const e of proxy.exchanges.filter((x) => x.fault)) t.log(`fault ${e.fault} on ${e.target}`);
  for (const line of [...figures.missing, ...figures.unrecoveredButComplete, ...figures.falseVanishes]) t.log(line);

  t.true(figures.runs >= 10);
  for (const kind of PROXY_FAULTS) t.true(proxy.injected[kind] > 0, `fault ${kind} was injected`);
  t.deepEqual(figures.missing, [], 'no listing of a page that finally answered well is missing');
  t.deepEqual(figures.unrecoveredButComplete, [], 'every run with an unrecovered page is partial');
  t.deepEqual(figures.falseVanishes, [], 'no vanish fact or alert comes from a partial run');
});
