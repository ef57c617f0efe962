import test from 'ava';
import { countField, pagesAfter } from '../crawler/sources/page-plan.ts';
import { PageError, type FetchedPage } from '../crawler/source-adapter.ts';

const fetched: FetchedPage = { url: 'http://127.0.0.1/ads?page=1', status: 200, headers: {}, body: '{}', fetchedAt: new Date(0), sha256: '' };

test('pagesAfter plans every page the count gives at once, and none after a short last page', (t) => {
  t.deepEqual(pagesAfter(fetched, { page: 1, returned: 20, pageSize: 20, total: 57, maxPages: 500 }), [2, 3]);
  t.deepEqual(pagesAfter(fetched, { page: 3, returned: 17, pageSize: 20, total: 57, maxPages: 500 }), []);
  t.deepEqual(pagesAfter(fetched, { page: 1, returned: 20, pageSize: 20, totalPages: 4, total: 20, maxPages: 500 }), [2, 3, 4], 'totalPages wins over total');
  t.deepEqual(pagesAfter(fetched, { page: 1, returned: 20, pageSize: 20, maxPages: 500 }), [2], 'no count: the next page, until a short one');
  t.deepEqual(pagesAfter(fetched, { page: 1, returned: 20, pageSize: 20, total: 10_000, maxPages: 3 }), [2, 3, 4], 'never more than maxPages ahead');
});

test('a short page that is not the last by the platform\'s count fails, transient, instead of ending the book', (t) => {
  const error = t.throws(() => pagesAfter(fetched, { page: 2, returned: 7, pageSize: 20, total: 57, maxPages: 500 }), { instanceOf: PageError });
  t.is(error!.message, 'http://127.0.0.1/ads?page=1: page 2 has 7 of 20 rows although the platform counts 3 page(s); cut short?');
  t.true((error as PageError).transient);
});

test('an empty page the count says holds rows fails, transient; an empty book past its count is the end', (t) => {
  const error = t.throws(() => pagesAfter(fetched, { page: 1, returned: 0, pageSize: 20, total: 60, maxPages: 500 }), { instanceOf: PageError });
  t.regex(error!.message, /page 1 has no rows although the platform counts 3 page\(s\)/);
  t.true((error as PageError).transient);
  t.deepEqual(pagesAfter(fetched, { page: 1, returned: 0, pageSize: 20, total: 0, maxPages: 500 }), []);
});

test('countField reads whole numbers and digit strings; anything else fails the page', (t) => {
  t.is(countField(57, 'total', fetched), 57);
  t.is(countField(' 57 ', 'total', fetched), 57);
  for (const bad of [-1, 1.5, '5e3', null, '57 ads', 2 ** 60]) {
    t.throws(() => countField(bad, 'total', fetched), { instanceOf: PageError, message: /expected total to be a count/ }, String(bad));
  }
});

/** Reads a book the way the runner does (each request once, in plan order), returning every page each read planned. */
function planBook(totalAt: (page: number) => number): number[] {
  const planned: number[] = [];
  const seen = new Set([1]);
  const queue: { page: number; plannedThrough?: number }[] = [{ page: 1 }];
  for (let at = queue.shift(); at; at = queue.shift()) {
    const next = pagesAfter(fetched, { returned: 20, pageSize: 20, total: totalAt(at.page), maxPages: 1000, ...at });
    planned.push(...next);
    for (const page of next.filter((p) => !seen.has(p))) {
      seen.add(page);
      queue.push({ page, plannedThrough: next.at(-1)! });
    }
  }
  return planned;
}

test('a page planned by an earlier one plans only what lies beyond that plan: a book of n pages plans each page once', (t) => {
  t.deepEqual(planBook(() => 400 * 20), Array.from({ length: 399 }, (_, i) => i + 2), 'pages 2–400, each once');
  // The book grows from 400 to 403 pages while page 7 is read: the pages after it plan the 3 new ones, and nothing else again.
  const grown = planBook((page) => (page >= 7 ? 403 : 400) * 20);
  t.deepEqual([...new Set(grown)].sort((a, b) => a - b), Array.from({ length: 402 }, (_, i) => i + 2));
  t.deepEqual(grown.filter((page) => page <= 400), Array.from({ length: 399 }, (_, i) => i + 2));
  t.deepEqual(pagesAfter(fetched, { page: 2, returned: 20, pageSize: 20, total: 57, maxPages: 500, plannedThrough: 3 }), []);
  t.deepEqual(pagesAfter(fetched, { page: 2, returned: 20, pageSize: 20, total: 57, maxPages: 500, plannedThrough: 1 }), [3], 'a bound behind the page plans from the page on');
});
