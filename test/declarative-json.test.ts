import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import test, { type ExecutionContext } from 'ava';
import { loadSourceFile } from '../crawler/declarative/load-source-file.ts';
import { createCrawlServices } from '../scripts/jobs/crawl-services.ts';
import { runCrawlJob } from '../scripts/jobs/crawl-job.ts';
import { addSpec, runObservations } from './helpers/declarative-sources.ts';
import { startLocalServer } from './helpers/local-server.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const spec = loadSourceFile(path.join(import.meta.dirname, 'fixtures/declarative/desk-api.yaml'));

const ADS = Array.from({ length: 7 }, (_, i) => ({
  id: `900${i}`,
  maker: { uid: 70 + (i % 3), nick: ['金沙承兑', '顺发USDT', '诚信商家A'][i % 3] },
  price: `7.2${i}`,
  qty: `${1000 * (i + 1)}.5`,
  limits: ['500', `${50 + i},000`],
  payIds: i === 6 ? [2, 99] : [1, 2, 3].slice(0, 1 + (i % 3)),
  remark: `第 ${i} 条`,
  stats: { rate: `9${i}.5` },
}));

/** The desk API on 127.0.0.1: `POST /api/otc/ads` with a JSON body, 3 ads per page, cursors `c1`, `c2`, … */
async function deskServer(t: ExecutionContext, fault?: (body: Record<string, unknown>) => unknown) {
  const bodies: Record<string, unknown>[] = [];
  const server = await startLocalServer(async (req, res) => {
    if (req.url === '/robots.txt') return res.end('User-agent: *\nAllow: /\n');
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    bodies.push({ ...body, 'x-client': req.headers['x-client'] });
    const start = body.cursor ? Number(String(body.cursor).slice(1)) * 3 : 0;
    const items = ADS.slice(start, start + 3);
    const nextCursor = start + 3 < ADS.length ? `c${start / 3 + 1}` : '';
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(fault?.(body) ?? { ret_code: 0, ret_msg: 'OK', result: { items, nextCursor } }));
  });
  t.teardown(() => server.close());
  return { url: server.url, bodies };
}

async function crawlDesk(t: ExecutionContext, serverUrl: string) {
  const [store, dataDir] = await Promise.all([createTestStore(), mkdtemp(path.join(tmpdir(), 'otcwatch-test-'))]);
  const services = createCrawlServices({ dataDir, retry: { maxAttempts: 1 } });
  t.teardown(async () => {
    await services.close();
    await Promise.all([store.close(), rm(dataDir, { recursive: true, force: true })]);
  });
  await addSpec(store, spec, serverUrl);
  return { store, result: await runCrawlJob(store, services, 'desk-api') };
}

test(title('a POST json source pages by cursor with typed body templates and maps payment ids'), async (t) => {
  const desk = await deskServer(t);
  const { store, result } = await crawlDesk(t, desk.url);
  t.is(result.status, 'complete', result.error ?? '');
  t.is(result.pagesOk, 3);
  t.deepEqual(desk.bodies, [
    { side: 'sell', coin: 'USDT', cursor: '', page: 1, size: 3, 'x-client': 'otcwatch-USDT' },
    { side: 'sell', coin: 'USDT', cursor: 'c1', page: 2, size: 3, 'x-client': 'otcwatch-USDT' },
    { side: 'sell', coin: 'USDT', cursor: 'c2', page: 3, size: 3, 'x-client': 'otcwatch-USDT' },
  ]);
  const stored = await runObservations(store, result.runId);
  t.is(stored.length, ADS.length);
  t.is(stored[0], '9000 | id:70 | 金沙承兑 | sell | USDT | CNY | 7.2 | 1000.5 | 500 | 50000 | 第 0 条 | 0.905 | cn_bank_card=Bank Transfer (China)');
  t.is(stored[6], '9006 | id:70 | 金沙承兑 | sell | USDT | CNY | 7.26 | 7000.5 | 500 | 56000 | 第 6 条 | 0.965 | alipay=Alipay,unknown:99=99');
});

test(title('an error envelope on one page of a json source makes the run partial and keeps the pages before it'), async (t) => {
  const desk = await deskServer(t, (body) => (body.cursor === 'c1' ? { ret_code: 10006, ret_msg: 'too many visits', result: null } : undefined));
  const { store, result } = await crawlDesk(t, desk.url);
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /error envelope ret_code=10006: too many visits/);
  t.deepEqual((await runObservations(store, result.runId)).map((line) => line.split(' | ')[0]), ['9000', '9001', '9002']);
});

test(title('a renamed rows path in a json source is a layout change, not an empty page'), async (t) => {
  const desk = await deskServer(t, (body) => (body.cursor === 'c1' ? { ret_code: 0, ret_msg: 'OK', result: { list: ADS.slice(3, 6), nextCursor: 'c2' } } : undefined));
  const { result } = await crawlDesk(t, desk.url);
  t.is(result.status, 'partial');
  t.regex(result.error ?? '', /rows path "result\.items" found nothing and the page is not marked as empty; layout changed\?/);
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
