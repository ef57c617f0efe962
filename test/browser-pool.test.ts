import type { ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrowserPool, IDLE_BLANK_MS, type BrowserPoolOptions } from '../crawler/fetch/browser-pool.ts';
import { browserTest, recordPoolEvents } from './helpers/browser-rig.ts';
import { startLocalServer } from './helpers/local-server.ts';

/** A pool and a tiny site for it, both closed after the test. */
async function poolRig(t: ExecutionContext, options: BrowserPoolOptions) {
  const server = await startLocalServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>${req.url}</title><p>${req.url}</p>`);
  });
  const pool = new BrowserPool(options);
  const events = recordPoolEvents(pool);
  t.teardown(async () => {
    await pool.close();
    await server.close();
  });
  const visit = (path: string) =>
    pool.withPage(server.url, async (page) => {
      await page.goto(server.url + path);
      return page.title();
    });
  return { server, pool, events, visit };
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

browserTest('the browser is relaunched after recycleAfterPages pages, never two at once', async (t) => {
  const { pool, events, visit } = await poolRig(t, { recycleAfterPages: 3, maxPages: 2 });
  const previous: number[] = [];
  pool.on('launch', ({ pid }) => {
    t.false(previous.some(isAlive), 'the old browser is gone before the next one starts');
    previous.push(pid!);
  });
  const titles = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => visit(`/p${i}`)));
  t.deepEqual(titles, ['/p1', '/p2', '/p3', '/p4', '/p5', '/p6', '/p7']);
  t.is(events.filter((e) => e.name === 'launch').length, 3);
  const recycles = events.flatMap((e) => (e.name === 'recycle' ? [e.payload] : []));
  t.deepEqual(recycles.map((r) => [r.reason, r.pages]), [['pages', 3], ['pages', 3]]);
  t.true(events.every((e) => e.name !== 'page' || e.payload.pages <= 3));
});

browserTest("the browser is relaunched when its memory passes the bound", async (t) => {
  const { events, visit } = await poolRig(t, { maxBrowserMemoryBytes: 1, memoryCheckIntervalMs: 0 });
  await visit('/a');
  await visit('/b');
  const memory = events.find((e) => e.name === 'memory');
  t.true(memory !== undefined && memory.payload.memoryBytes > 10 * 2 ** 20, 'the process tree was measured');
  const recycle = events.find((e) => e.name === 'recycle');
  t.is(recycle?.name === 'recycle' ? recycle.payload.reason : undefined, 'memory');
  const pages = events.flatMap((e) => (e.name === 'page' ? [e.payload.generation] : []));
  t.deepEqual(pages, [1, 2]);
});

browserTest('at most maxPages pages at once; one context per key; pages are reused', async (t) => {
  const { pool, events, server } = await poolRig(t, { maxPages: 2 });
  let active = 0;
  let most = 0;
  const tasks = Array.from({ length: 8 }, (_, i) =>
    pool.withPage(i % 2 === 0 ? 'even' : 'odd', async (page) => {
      active += 1;
      most = Math.max(most, active);
      await page.goto(`${server.url}/${i}`);
      active -= 1;
    }),
  );
  await Promise.all(tasks);
  t.is(most, 2);
  t.deepEqual(events.filter((e) => e.name === 'context').map((e) => e.name === 'context' && e.payload.contextKey).sort(), ['even', 'odd']);

  const seen = new Set<Page>();
  for (const path of ['/x', '/y', '/z']) {
    await pool.withPage('even', async (page) => {
      seen.add(page);
      await page.goto(server.url + path);
    });
  }
  t.is(seen.size, 1, 'one page served the key three times in a row');
});

browserTest('a page whose task failed is closed, never handed out again', async (t) => {
  const { pool } = await poolRig(t, { maxPages: 1 });
  const first = await pool.withPage('k', async (page) => page);
  await t.throwsAsync(pool.withPage('k', async () => Promise.reject(new Error('hung'))));
  const next = await pool.withPage('k', async (page) => page);
  t.true(first.isClosed());
  t.not(next, first);
});

browserTest('a page left idle stops running its document', async (t) => {
  const { pool, server } = await poolRig(t, {});
  const page = await pool.withPage('k', async (p) => {
    await p.goto(`${server.url}/live`);
    return p;
  });
  t.is(page.url(), `${server.url}/live`, 'handed straight on while a crawl is busy');
  await sleep(IDLE_BLANK_MS + 500);
  t.is(page.url(), 'about:blank');
});

browserTest('a page is closed after maxUsesPerPage tasks, so its renderer does not grow without end', async (t) => {
  const { pool } = await poolRig(t, { maxUsesPerPage: 2 });
  const pages: Page[] = [];
  for (let i = 0; i < 3; i++) await pool.withPage('k', async (page) => void pages.push(page));
  t.is(pages[0], pages[1]);
  t.not(pages[2], pages[0]);
  t.true(pages[0]!.isClosed());
});
