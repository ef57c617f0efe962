import test from 'ava';
import type { RawListing } from '../crawler/normalize/listing.ts';
import { PageError } from '../crawler/source-adapter.ts';
import { parseRows } from '../crawler/sources/parse-rows.ts';

interface Row {
  id: string;
  price: string;
}

const extract = (row: Row): RawListing => ({ listingId: row.id, operatorName: 'A', side: 'sell', asset: 'USDT', fiat: 'CNY', price: row.price });
const options = { platform: 'test', url: 'http://127.0.0.1/ads', raw: (row: Row) => JSON.stringify(row), extract, fieldPaths: { price: 'ad.price' } };
const rows = (good: number, bad: number): Row[] => [
  ...Array.from({ length: good }, (_, i) => ({ id: `g${i}`, price: '7.25' })),
  // A row without a price is lost (a renamed field reads so); one whose price does not read is kept, see below.
  ...Array.from({ length: bad }, (_, i) => ({ id: `b${i}`, price: '' })),
];

test('parseRows names the platform field of a failing row', (t) => {
  const { listings, failures } = parseRows(rows(3, 1), options);
  t.is(listings.length, 3);
  t.deepEqual(failures.map((f) => [f.fieldPath, f.raw]), [['ad.price', '{"id":"b0","price":""}']]);
});

test('parseRows keeps a row whose price does not read, its field failure carrying the raw row', (t) => {
  const { listings, failures } = parseRows([{ id: 'g0', price: '7.25' }, { id: 'n0', price: 'N/A' }], options);
  t.deepEqual(failures, []);
  t.deepEqual(listings.map((l) => [l.listingKey, l.price]), [['g0', '7.25'], ['n0', null]]);
  t.deepEqual(listings[1]!.fieldFailures, [{ raw: '{"id":"n0","price":"N/A"}', error: 'ad.price: "N/A" is not a decimal number', fieldPath: 'ad.price', url: 'http://127.0.0.1/ads' }]);
});

test('parseRows escapes control characters in the raw text it keeps', (t) => {
  const { listings, failures } = parseRows([{ id: 'g0', price: '7.25' }, { id: 'n0', price: 'N/A' }, { id: 'b0', price: '' }], { ...options, raw: (row) => `<tr>${row.id}\u0000</tr>` });
  t.deepEqual(failures.map((f) => f.raw), ['<tr>b0\\u0000</tr>']);
  t.deepEqual(listings[1]!.fieldFailures?.map((f) => f.raw), ['<tr>n0\\u0000</tr>']);
});

test('parseRows fails the page when more than half of at least 4 rows fail, keeping the failures', (t) => {
  const error = t.throws(() => parseRows(rows(1, 3), options), { instanceOf: PageError });
  t.regex(error.message, /3 of 4 rows failed to parse — layout changed\? First: ad\.price: "" is empty/);
  t.is(error.failures.length, 3);
});

test('parseRows keeps half failing and small pages unless every row fails; the share is configurable', (t) => {
  t.is(parseRows(rows(2, 2), options).failures.length, 2);
  t.is(parseRows(rows(1, 2), options).failures.length, 2);
  t.throws(() => parseRows(rows(0, 1), options), { instanceOf: PageError, message: /1 of 1 rows/ });
  t.throws(() => parseRows(rows(4, 1), { ...options, maxFailureShare: 0.1 }), { instanceOf: PageError, message: /1 of 5 rows/ });
});

test('parseRows accepts an empty page: "no results" is the platform\'s to say', (t) => {
  t.deepEqual(parseRows([], options), { listings: [], failures: [] });
});
