import test from 'ava';
import { summarizeRun } from '../../store/run-summary.ts';
import { adapterCrawlRig } from './adapter-crawl.ts';
import { bookMatching, pageRows, type FaultTarget, type PlatformCall, type PlatformKit } from './platform-server.ts';
import { byListing, expectedOperators, storedListings, storedOperators, type StoredListing } from './stored-listings.ts';
import { storeEngine } from './test-store.ts';

/**
 * The tests every coded platform adapter must pass, against its kit's test
 * server, end to end into a real store: exact storage of what was served,
 * and each failure mode (error envelope, 429 with Retry-After, persistent
 * 418, non-JSON body, schema drift, a malformed row, unknown payment
 * methods). `target` is a page of at least 4 rows where faults strike;
 * on paged platforms it is not the last page, so the test also shows that
 * the pages after a failed one are still read.
 *
 * The tests run serially: an embedded PGlite store works on this process's
 * event loop, so a store being built for a concurrent test would stall the
 * test server and the crawler alike (robots.txt timeouts, skewed waits).
 *
 * @example
 * adapterContract(binanceKit, { book: { asset: 'USDT', tradeType: 'BUY' }, page: 2 });
 */
export function adapterContract(kit: PlatformKit, target: FaultTarget): void {
  const title = (name: string) => `${kit.adapter}: ${name} (${storeEngine})`;
  const served = (): StoredListing[] => kit.books.flatMap((book) => book.rows.map((row) => kit.expected(row))).sort(byListing);
  const targetRows = () => pageRows(kit, { query: bookMatching(kit, target.book).query, page: target.page, pageSize: kit.pageSize });
  const servedWithout = (rows: unknown[]) => {
    const gone = new Set(rows.map((row) => kit.expected(row).listing));
    return served().filter((listing) => !gone.has(listing.listing));
  };
  const targetCalls = (calls: PlatformCall[]) =>
    calls.filter((c) => c.page === target.page && Object.entries(target.book).every(([k, v]) => c.query[k] === v));

  test.serial(title('a crawl stores exactly the listings, operators and payment methods served'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    const result = await rig.crawl();
    t.is(result.status, 'complete', result.error ?? '');
    t.is(result.parseFailures, 0);
    const expected = served();
    t.deepEqual(await storedListings(rig.store, result.runId), expected);
    t.deepEqual(await storedOperators(rig.store, kit.platform), expectedOperators(expected));
    t.deepEqual(rig.server.violations, []);
    t.true(targetRows().length >= 4, 'the fault target page holds at least 4 rows');
    // Each page of each book once: paging stops at a short page or the total, and an empty book is one request.
    const pages = (pageSize: number, rows: number) => (pageSize === Infinity ? 1 : Math.max(1, Math.ceil(rows / pageSize)));
    const planned = kit.books.flatMap((book) => Array.from({ length: pages(kit.pageSize, book.rows.length) }, (_, i) => `${JSON.stringify(book.query)} p${i + 1}`));
    t.deepEqual(rig.server.calls.map((c) => `${JSON.stringify(c.query)} p${c.page}`).sort(), planned.sort());
    t.true(rig.server.calls.every((c) => c.pageSize === kit.pageSize));
  });

  test.serial(title('unknown payment methods are kept and listed once in the run summary'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    const result = await rig.crawl();
    t.is(result.status, 'complete', result.error ?? '');
    const unknown = served().flatMap((l) => l.methods.filter((m) => m.startsWith('? ')).map((m) => m.slice(2)));
    t.true(new Set(unknown).size >= 1 && new Set(unknown).size < unknown.length, 'the fixture repeats an unknown method');
    const stored = await rig.store.db.selectFrom('listing_payment_methods').where('run_id', '=', result.runId).where('method_code', 'is', null).select('raw_text').execute();
    t.is(stored.length, unknown.length, 'every occurrence is stored, with no canonical code');
    const summary = await summarizeRun(rig.store.db, result.runId);
    t.deepEqual([...summary.unknownMethods].sort(), [...new Set(unknown)].sort());
  });

  test.serial(title('an error envelope fails its page; the run is partial and the other pages are stored'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    rig.server.inject({ ...target, kind: 'envelope' });
    const result = await rig.crawl();
    t.is(result.status, 'partial', result.error ?? '');
    t.is(result.pagesFailed, 1);
    t.true(result.error?.includes(kit.errorEnvelope.code) && result.error.includes(kit.errorEnvelope.message), result.error ?? '');
    t.true(result.error?.includes(`page ${target.page}`), result.error ?? '');
    t.deepEqual(await storedListings(rig.store, result.runId), servedWithout(targetRows()));
  });

  test.serial(title('a 429 with Retry-After is waited out and the run completes'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    rig.server.inject({ ...target, kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
    const result = await rig.crawl();
    t.is(result.status, 'complete', result.error ?? '');
    const calls = targetCalls(rig.server.calls);
    t.deepEqual(calls.map((c) => c.status), [429, 200]);
    t.true(calls[1]!.at - calls[0]!.at >= 990, `retried after ${(calls[1]!.at - calls[0]!.at).toFixed(0)} ms`);
    t.deepEqual(await storedListings(rig.store, result.runId), served());
  });

  test.serial(title('a 418 that persists fails its page after the retries; the run is partial'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    rig.server.inject({ ...target, kind: 'status', status: 418 });
    const result = await rig.crawl();
    t.is(result.status, 'partial', result.error ?? '');
    t.regex(result.error ?? '', /HTTP 418/);
    t.is(targetCalls(rig.server.calls).length, 3, 'three attempts');
    t.deepEqual(await storedListings(rig.store, result.runId), servedWithout(targetRows()));
  });

  test.serial(title('a non-JSON body fails its page, never reads as empty'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    rig.server.inject({ ...target, kind: 'not-json' });
    const result = await rig.crawl();
    t.is(result.status, 'partial', result.error ?? '');
    t.regex(result.error ?? '', /did not return JSON/);
    t.deepEqual(await storedListings(rig.store, result.runId), servedWithout(targetRows()));
  });

  test.serial(title('a renamed price field fails the page as a layout change and keeps every raw row'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    rig.server.inject({ ...target, kind: 'rows', mutate: (row) => renameField(row, kit.pricePath, 'unitPrice') });
    const result = await rig.crawl();
    t.is(result.status, 'partial', result.error ?? '');
    t.regex(result.error ?? '', /\d+ of \d+ rows failed to parse — layout changed\?/);
    const failures = await rig.failures(result.runId);
    t.is(failures.length, targetRows().length);
    for (const failure of failures) {
      t.is(failure.field_path, kit.pricePath);
      t.true(failure.raw.includes('"unitPrice"'));
      t.true(failure.error.startsWith(`${kit.pricePath}:`), failure.error);
    }
    t.deepEqual(await storedListings(rig.store, result.runId), servedWithout(targetRows()), 'no value of the drifted page is stored');
  });

  test.serial(title('a row with an unreadable price is kept with a null price and a parse failure linked to it'), async (t) => {
    const rig = await adapterCrawlRig(t, kit);
    await rig.source();
    rig.server.inject({ ...target, kind: 'rows', mutate: (row, i) => (i === 1 ? setField(row, kit.pricePath, 'N/A') : row) });
    const result = await rig.crawl();
    t.is(result.status, 'complete', result.error ?? '');
    const failures = await rig.failures(result.runId);
    t.is(failures.length, 1);
    t.is(failures[0]!.field_path, kit.pricePath);
    t.true(failures[0]!.raw.includes('"N/A"'));
    t.regex(failures[0]!.error, /N\/A/);
    const bad = kit.expected(targetRows()[1]).listing;
    const linked = await rig.store.db
      .selectFrom('parse_failures as f')
      .innerJoin('listing_observations as o', 'o.id', 'f.observation_id')
      .innerJoin('listings as l', 'l.id', 'o.listing_id')
      .where('f.run_id', '=', result.runId)
      .select('l.platform_key')
      .execute();
    t.deepEqual(linked.map((r) => r.platform_key), [bad]);
    t.deepEqual(await storedListings(rig.store, result.runId), served().map((l) => (l.listing === bad ? { ...l, price: null } : l)));
  });
}

/**
 * Renames the last key of a dotted path inside a row (in place), as a layout change would.
 *
 * @example
 * renameField({ adv: { price: '7.2' } }, 'adv.price', 'unitPrice'); // { adv: { unitPrice: '7.2' } }
 */
export function renameField(row: unknown, path: string, to: string): unknown {
  const { parent, key } = parentOf(row, path);
  parent[to] = parent[key];
  delete parent[key];
  return row;
}

/**
 * Sets the value at a dotted path inside a row (in place).
 *
 * @example
 * setField({ adv: { price: '7.2' } }, 'adv.price', 'N/A');
 */
export function setField(row: unknown, path: string, value: unknown): unknown {
  const { parent, key } = parentOf(row, path);
  parent[key] = value;
  return row;
}

function parentOf(row: unknown, path: string): { parent: Record<string, unknown>; key: string } {
  const keys = path.split('.');
  let parent = row as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  return { parent, key: keys.at(-1)! };
}
