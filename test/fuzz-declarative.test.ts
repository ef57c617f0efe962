import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { declarativeAdapter } from '../crawler/declarative/declarative-adapter.ts';
import { isJsonPath, readPath } from '../crawler/declarative/json-path.ts';
import { loadSourceFile, parseSourceText, validateSpec } from '../crawler/declarative/load-source-file.ts';
import { SourceFileError } from '../crawler/declarative/spec-issues.ts';
import { escapeControls } from '../crawler/normalize/text-hygiene.ts';
import { PageError, type SourceAdapter, type SourceConfig } from '../crawler/source-adapter.ts';
import { anyText, fuzz } from './helpers/fuzz.ts';

const DECLARATIVE = path.resolve(import.meta.dirname, '../crawler/sources/declarative');
const specFile = (name: string) => path.join(DECLARATIVE, name);

/** Parses one page with an adapter: the page's listings and failures, or its PageError; any other exception escapes. */
function parsePage(adapter: SourceAdapter, body: string) {
  const source: SourceConfig = { id: adapter.name, adapter: adapter.name, baseUrl: 'http://127.0.0.1:8787/', params: adapter.defaultParams ?? {}, maxPages: 5, politeness: { requestsPerInterval: 0, intervalMs: 1000, concurrency: 1, minGapMs: 0, respectRobots: false } };
  const [request] = adapter.startRequests(source);
  const page = { url: request!.url, status: 200, headers: {}, body, fetchedAt: new Date(), sha256: '' };
  try {
    return adapter.parse(page, request!, source);
  } catch (error) {
    if (!(error instanceof PageError)) throw error;
    return { listings: [], failures: error.failures, next: [] };
  }
}

const cell = fc.oneof(anyText, fc.constantFrom('7.25', 'USDT', 'CNY', 'sell', '出售', '500 - 50,000', '98.5%', '1,203', 'Alipay'), fc.jsonValue({ maxDepth: 0 }));

test('fuzz JSON paths: reading never throws, and a path reads back the value planted at it', async (t) => {
  await fuzz(t, 'readPath(any JSON, any path)', fc.property(fc.jsonValue({ maxDepth: 3 }), anyText, (value, p) => {
    readPath(value, p);
    return typeof isJsonPath(p) === 'boolean';
  }));
  const step = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/).map((name) => ({ name })), fc.nat({ max: 4 }).map((index) => ({ index })));
  await fuzz(t, 'readPath(planted)', fc.property(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), fc.array(step, { maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), (head, steps, planted) => {
    let value: unknown = planted;
    for (const s of [...steps].reverse()) {
      value = 'index' in s ? Object.assign(new Array<unknown>(s.index + 1).fill(null), { [s.index]: value }) : { [s.name]: value };
    }
    const text = head + steps.map((s) => ('index' in s ? `[${s.index}]` : `.${s.name}`)).join('');
    return isJsonPath(text) && JSON.stringify(readPath({ [head]: value }, text)) === JSON.stringify(planted);
  }));
});

test('fuzz source files: any text or any change to a valid spec is a spec or a SourceFileError naming the problems', async (t) => {
  const base = parseDocument(readFileSync(specFile('demo-json.yaml'), 'utf8')).toJS() as Record<string, unknown>;
  const keys = [...Object.keys(base), 'fields', 'request', 'pagination'];
  const mutation = fc.record({ key: fc.constantFrom(...keys), field: fc.constantFrom('price', 'side', 'paymentMethods', 'listingId', 'url', 'kind'), value: fc.anything({ maxDepth: 2 }), nested: fc.boolean() });
  await fuzz(t, 'validateSpec(mutated demo-json)', fc.property(mutation, ({ key, field, value, nested }) => {
    const data = structuredClone(base);
    if (typeof data[key] === 'object' && data[key] !== null && nested) (data[key] as Record<string, unknown>)[field] = value;
    else data[key] = value;
    try {
      validateSpec(data, 'fuzz.yaml');
    } catch (error) {
      if (!(error instanceof SourceFileError) || error.problems.length === 0) throw error;
    }
  }));
  await fuzz(t, 'parseSourceText(any text)', fc.property(fc.oneof(anyText, fc.string({ maxLength: 200 })), (text) => {
    try {
      parseSourceText(text, 'fuzz.yaml');
    } catch (error) {
      if (!(error instanceof SourceFileError) || error.problems.length === 0) throw error;
    }
  }));
});

test('fuzz declarative JSON pages: any body gives listings and parse failures that keep their raw rows, or a failed page; no other exception', async (t) => {
  const adapter = declarativeAdapter(loadSourceFile(specFile('demo-json.yaml')));
  const item = fc.record({
    adId: cell, sellerId: cell, sellerName: cell, side: cell, asset: cell, fiat: cell, price: cell, available: cell,
    minOrder: cell, maxOrder: cell, payMethods: fc.oneof(fc.array(cell, { maxLength: 3 }), cell), terms: cell, completionRate: cell, orders: cell,
  }, { requiredKeys: [] });
  const body = fc.oneof(
    fc.record({ code: fc.oneof(fc.constant(0), cell), msg: cell, data: fc.record({ total: fc.oneof(fc.nat(), cell), items: fc.oneof(fc.array(item, { maxLength: 6 }), cell) }) }).map((b) => JSON.stringify(b)),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    anyText,
  );
  await fuzz(t, 'demo-json parse(any body)', fc.property(body, (text) => {
    const parsed = parsePage(adapter, text);
    // A failure's raw row is evidence text: its control characters escaped (DEL and C1 too, which JSON leaves raw).
    const evidence = escapeControls(text);
    return parsed.failures.every((f) => f.raw.length > 0 && evidence.includes(f.raw) && f.error.length > 0);
  }));
});

test('fuzz declarative HTML pages: hostile cells and markup give listings and parse failures that keep their raw rows, or a failed page', async (t) => {
  const adapter = declarativeAdapter(loadSourceFile(specFile('demo-board.yaml')));
  const html = fc.oneof(fc.constant('raw'), fc.constant('escaped')).chain((mode) => fc.array(fc.array(cell.map(String), { minLength: 12, maxLength: 12 }), { maxLength: 5 }).map((rows) => {
    const put = (text: string) => (mode === 'raw' ? text : text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
    const trs = rows.map(([id, seller, name, side, asset, fiat, price, available, limits, pay, terms, rate]) =>
      `<tr class="ad" data-ad-id="${put(id!)}"><td class="seller"><a class="seller-link" href="/u/${put(seller!)}">${put(name!)}</a></td><td class="side">${put(side!)}</td><td class="asset">${put(asset!)}</td><td class="fiat">${put(fiat!)}</td><td class="price">${put(price!)}</td><td class="available">${put(available!)}</td><td class="limits">${put(limits!)}</td><td class="pay"><img alt="${put(pay!)}"></td><td class="terms">${put(terms!)}</td><td class="rate">${put(rate!)}</td><td class="orders">1</td></tr>`);
    return `<html><body><table class="ads">${trs.join('')}</table></body></html>`;
  }));
  await fuzz(t, 'demo-board parse(any page)', fc.property(fc.oneof(html, anyText), (text) => {
    const parsed = parsePage(adapter, text);
    return parsed.failures.every((f) => f.raw.length > 0 && f.error.length > 0);
  }));
});
