import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'ava';
import { declarativeAdapter } from '../crawler/declarative/declarative-adapter.ts';
import { loadSourceFile, parseSourceText } from '../crawler/declarative/load-source-file.ts';
import { failIfShort, nextPage } from '../crawler/declarative/pagination.ts';
import { SourceFileError } from '../crawler/declarative/spec-issues.ts';
import { loadShippedSource, shippedSourceFiles, specOfSource } from '../crawler/declarative/stored-source.ts';
import { renderJsonTemplate, renderTemplate } from '../crawler/declarative/template.ts';
import { PageError, type FetchedPage, type SourceConfig } from '../crawler/source-adapter.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures/declarative');

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof SourceFileError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the file to be refused');
}

test('every shipped declarative source validates', (t) => {
  t.deepEqual(shippedSourceFiles(), ['demo-board.yaml', 'demo-json.yaml', 'example-cn-board.yaml']);
  for (const file of shippedSourceFiles()) t.notThrows(() => loadShippedSource(file), file);
});

test('an invalid YAML source names the file, each field and what was expected', (t) => {
  const file = path.join(FIXTURES, 'invalid-board.yaml');
  t.deepEqual(problemsOf(() => loadSourceFile(file)), [
    `${file}: name: expected lower-case letters, digits and "-"`,
    `${file}: baseUrl: expected an http(s) URL`,
    `${file}: politeness.minGapMs: expected a whole number from 0 to 86400000 (1 day)`,
    `${file}: rows: expected a CSS selector`,
    `${file}: fields.price: required`,
    `${file}: fields.paymentMethods.from: expected array, got string "alt"`,
    `${file}: fields.prcie: unknown field`,
    `${file}: pagination.kind: expected one of page|offset|cursor|next_link, got "pages"`,
  ]);
});

test('template placeholders are checked at load: unknown names, unset params, reserved params', (t) => {
  const file = path.join(FIXTURES, 'invalid-api.json');
  t.deepEqual(problemsOf(() => loadSourceFile(file)), [
    `${file}: request.url: unknown placeholder {{pg}}; expected one of page, offset, cursor, pageSize or params.NAME`,
    `${file}: request.url: {{pageSize}} needs pagination.pageSize`,
    `${file}: request.body: {{params.fiat}} is not set under params`,
    `${file}: fields.fiat.template: {{params.fiat}} is not set under params`,
    `${file}: params.spec: "spec" is reserved; use another name`,
  ]);
});

test('a missing kind, an unreadable file and broken YAML are reported the same way', (t) => {
  t.deepEqual(problemsOf(() => parseSourceText('name: x\nplatform: x\n', 'sources/x.yaml')), ['sources/x.yaml: kind: required (one of json|html|browser)']);
  t.deepEqual(problemsOf(() => parseSourceText('kind: [json', 'sources/x.yaml')), [
    'sources/x.yaml: not valid YAML/JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 12',
  ]);
  t.deepEqual(problemsOf(() => loadSourceFile('no/such/board.yaml')), ['no/such/board.yaml: cannot be read: ENOENT']);
});

test('a spec stored by `sources add` is validated again before a crawl', (t) => {
  const spec = { ...loadShippedSource('demo-json.yaml'), rows: 42 };
  t.deepEqual(problemsOf(() => specOfSource('demo-json', { spec, sourceFile: '/home/me/demo-json.yaml' })), [
    '/home/me/demo-json.yaml: rows: expected string, got number 42',
  ]);
});

test('templates fill URLs encoded and JSON bodies typed', (t) => {
  const values: Record<string, unknown> = { page: 2, 'params.q': 'a&b' };
  t.is(renderTemplate('/ads?page={{page}}&q={{ params.q }}', (name) => values[name], encodeURIComponent), '/ads?page=2&q=a%26b');
  t.deepEqual(renderJsonTemplate({ page: '{{page}}', tag: 'p{{page}}', list: ['{{params.q}}'] }, (name) => values[name]), { page: 2, tag: 'p2', list: ['a&b'] });
  t.throws(() => renderTemplate('{{cursor}}', () => undefined), { message: '{{cursor}} has no value' });
});

test('pagination stops on a short page, the announced total, or a missing or repeated pointer', (t) => {
  const at = { page: 1, offset: 0, cursor: '' };
  t.deepEqual(nextPage({ kind: 'page', pageSize: 50 }, at, { rowCount: 50, total: 120 }), { position: { ...at, page: 2 } });
  t.is(nextPage({ kind: 'page', pageSize: 50 }, { ...at, page: 3 }, { rowCount: 50, total: 150 }), null);
  t.is(nextPage({ kind: 'page', pageSize: 50 }, at, { rowCount: 49 }), null);
  t.is(nextPage({ kind: 'page', start: 0 }, { ...at, page: 4 }, { rowCount: 20, totalPages: 5 }), null);
  t.deepEqual(nextPage({ kind: 'offset', pageSize: 20 }, at, { rowCount: 20, total: 41 }), { position: { page: 2, offset: 20, cursor: '' } });
  t.is(nextPage({ kind: 'offset', pageSize: 20 }, { ...at, offset: 40 }, { rowCount: 20, total: 60 }), null);
  t.deepEqual(nextPage({ kind: 'cursor', path: 'next' }, at, { rowCount: 5, pointer: 'c2' }), { position: { page: 2, offset: 0, cursor: 'c2' } });
  t.is(nextPage({ kind: 'cursor', path: 'next' }, { ...at, cursor: 'c2' }, { rowCount: 5, pointer: 'c2' }), null);
  t.deepEqual(nextPage({ kind: 'next_link', selector: 'a.next' }, at, { rowCount: 5, pointer: '/m?p=2' }), { link: '/m?p=2', position: { ...at, page: 2 } });
  t.is(nextPage({ kind: 'next_link', selector: 'a.next' }, at, { rowCount: 5, pointer: null }), null);
  t.is(nextPage(undefined, at, { rowCount: 5 }), null);
});

test('a short page that the announced total or page count says is not the last fails, transient; the real last page passes', (t) => {
  const page: FetchedPage = { url: 'http://127.0.0.1/m?page=2', status: 200, headers: {}, body: '', fetchedAt: new Date(0), sha256: '' };
  const at = { page: 2, offset: 0, cursor: '' };
  const short = t.throws(() => failIfShort(page, { kind: 'page', pageSize: 10 }, at, { rowCount: 7, total: 60 }), { instanceOf: PageError });
  t.is(short!.message, 'http://127.0.0.1/m?page=2: page 2 has 7 of 10 rows although the total 60 says more follow; cut short?');
  t.true((short as PageError).transient);
  t.throws(() => failIfShort(page, { kind: 'offset', pageSize: 10 }, { ...at, offset: 10 }, { rowCount: 3, total: 60 }), { instanceOf: PageError });
  t.throws(() => failIfShort(page, { kind: 'page', pageSize: 10 }, at, { rowCount: 4, totalPages: 6 }), { message: /although 6 pages says more follow/ });
  t.notThrows(() => failIfShort(page, { kind: 'page', pageSize: 10 }, at, { rowCount: 7, total: 17 }), 'the last page by the total');
  t.notThrows(() => failIfShort(page, { kind: 'page', pageSize: 10 }, at, { rowCount: 4, totalPages: 2 }), 'the last page by the page count may be short');
  t.notThrows(() => failIfShort(page, { kind: 'page', pageSize: 10 }, at, { rowCount: 7 }), 'no count: a short page ends the book');
});

test('the worked Chinese board example reads its fixture page as the README says', async (t) => {
  const spec = loadShippedSource('example-cn-board.yaml');
  const adapter = declarativeAdapter(spec);
  const source: SourceConfig = { id: spec.name, adapter: 'declarative', baseUrl: spec.baseUrl, params: adapter.defaultParams ?? {}, politeness: { requestsPerInterval: 0, intervalMs: 1000, concurrency: 1, minGapMs: 0, respectRobots: true }, maxPages: 1 };
  const [request] = adapter.startRequests(source);
  t.is(request!.url, 'https://otc-board.example/otc/usdt/sell?page=1');
  const body = await readFile(path.join(FIXTURES, 'example-cn-board.html'), 'utf8');
  const page: FetchedPage = { url: request!.url, status: 200, headers: {}, body, fetchedAt: new Date(), sha256: '' };
  const { listings, failures, next } = adapter.parse(page, request!, source);

  t.deepEqual(listings[0], {
    listingKey: '88123',
    operatorKey: 'id:10086',
    operatorName: '金沙承兑',
    side: 'sell',
    asset: 'USDT',
    fiat: 'CNY',
    price: '7.25',
    priceNegotiable: false,
    available: '2500',
    minOrder: '500',
    maxOrder: '50000',
    paymentMethods: [
      { code: 'alipay', raw: '支付宝', stance: 'accepted', source: 'icon' },
      { code: 'wechat_pay', raw: '微信', stance: 'accepted', source: 'icon' },
      { code: 'unionpay', raw: 'unionpay', stance: 'accepted', source: 'icon' },
      { code: 'digital_rmb', raw: '数字人民币', stance: 'accepted', source: 'text' },
    ],
    terms: '支持数字人民币，秒放',
    completionRate: '0.985',
    orderCount: 1203,
    monthOrderCount: null,
    fieldFailures: [],
  });
  t.deepEqual(listings.map((l) => [l.listingKey.replace(/^h:[0-9a-f]{24}$/, 'h:…'), l.operatorKey, l.price, l.paymentMethods.map((m) => m.code ?? `?${m.raw}`).join(',')]), [
    ['88123', 'id:10086', '7.25', 'alipay,wechat_pay,unionpay,digital_rmb'],
    ['88124', 'id:20417', '7.26', 'cn_bank_card,alipay'],
    ['88125', 'id:31502', null, 'wechat_pay'],
    ['h:…', 'name:老王币行', '7.31', 'unionpay,alipay'],
    ['88127', 'id:50066', '7.24', 'wechat_pay,?qqpay'],
  ]);
  t.deepEqual(failures, [], 'the negotiable row is kept, not lost');
  t.true(listings[2]!.priceNegotiable);
  t.deepEqual(listings[2]!.fieldFailures?.map((f) => [f.fieldPath, f.error]), [['price', 'price: "面议" is a negotiable price; stored with price null and price_negotiable']]);
  t.deepEqual(next.map((r) => r.url), ['https://otc-board.example/otc/usdt/sell?page=2']);
});
