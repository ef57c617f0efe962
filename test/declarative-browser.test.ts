import test from 'ava';
import { validateSpec } from '../crawler/declarative/load-source-file.ts';
import { loadShippedSource } from '../crawler/declarative/stored-source.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { addSpec, runObservations } from './helpers/declarative-sources.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/** The demo board's fields, read from the JavaScript-rendered `/app` once its script says it is done. */
const demoApp = validateSpec(
  {
    ...loadShippedSource('demo-board.yaml'),
    name: 'demo-app',
    kind: 'browser',
    request: { url: '/app?page=1' },
    readiness: { selector: '#ads-ready, #ads-error' },
  },
  'demo-app (test)',
);

test(title('a browser declarative source reads the JavaScript-rendered board like the coded HTML adapter reads the server-rendered one'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-html');
  await addSpec(rig.store, demoApp, rig.market.url);
  const html = await rig.crawl('demo-html');
  rig.market.requestLog.clear();
  const app = await rig.crawl('demo-app');
  t.is(app.status, 'complete', app.error ?? '');
  t.is(app.pagesOk, html.pagesOk);
  t.deepEqual(await runObservations(rig.store, app.runId), await runObservations(rig.store, html.runId));
  t.true(rig.market.requestLog.entries.some((e) => e.pathname === '/app'), 'the rendered page, not /market, was read');
  t.false(rig.market.requestLog.entries.some((e) => e.pathname === '/market'));
});
