import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLocalServer } from './local-server.ts';
import type { StoredListing } from './stored-listings.ts';

/** What a platform serves for one query (asset, fiat, side in its own terms): a fixture book. */
export interface Book {
  query: Record<string, string>;
  rows: unknown[];
}

/** A request as the platform reads it: which book, which page, how many rows a page holds. */
export interface BookRequest {
  query: Record<string, string>;
  page: number;
  pageSize: number;
}

/**
 * One marketplace's shapes, for a local test server and its oracle: the
 * endpoint, how a request names a book (checked as strictly as the formats
 * README allows), the envelopes, and what the adapter must store per row.
 */
export interface PlatformKit {
  /** Registry name of the adapter under test. */
  adapter: string;
  platform: string;
  method: 'GET' | 'POST';
  path: string;
  books: Book[];
  /** Rows per page the adapter's requests get (Infinity: the book is not paged). */
  pageSize: number;
  /** Where a row's price sits: what a drift renames and what its failure must name. */
  pricePath: string;
  /** Reads a request into the book and page it asks for, or names what is wrong with it. */
  readRequest(url: URL, body: unknown): BookRequest | string;
  /** The platform's success envelope around one page. */
  respond(rows: unknown[], at: BookRequest & { total: number }): unknown;
  /** The platform's error envelope; the failed page must quote its code and message. */
  errorEnvelope: { body: unknown; code: string; message: string };
  /** The listing the adapter must store for a served row: the oracle. */
  expected(row: unknown): StoredListing;
}

/** Where a fault strikes: the book (a subset of its query) and page. */
export interface FaultTarget {
  book: Record<string, string>;
  page: number;
}

export type PlatformFault = FaultTarget & {
  /** Requests it affects; every one when absent. */
  times?: number;
} & (
    | { kind: 'envelope' }
    | { kind: 'not-json' }
    | { kind: 'status'; status: number; retryAfterSeconds?: number }
    | { kind: 'rows'; mutate: (row: unknown, index: number) => unknown }
    | { kind: 'body'; body: unknown }
  );

export interface PlatformCall {
  /** Arrival, ms (performance.now). */
  at: number;
  /** Path and query as requested. */
  url: string;
  query: Record<string, string>;
  page: number;
  pageSize: number;
  body: unknown;
  /** The request body exactly as it arrived. */
  rawBody: string;
  status: number;
}

export interface PlatformServer {
  url: string;
  /** Every readable request to the endpoint, in arrival order. */
  calls: PlatformCall[];
  /** Requests that broke the platform's rules (wrong path, method, body); a test expects none. */
  violations: string[];
  inject(fault: PlatformFault): void;
  close(): Promise<void>;
}

/**
 * Starts a real HTTP server on 127.0.0.1 speaking `kit`'s platform: it
 * checks each request's method, content type and parameters, finds the
 * fixture book asked for (an unknown book is served empty), pages it, and
 * wraps the page in the platform's envelope, unless a fault says otherwise.
 * robots.txt is absent (404), which allows everything.
 *
 * @example
 * const server = await startPlatformServer(binanceKit);
 * server.inject({ book: { asset: 'USDT', tradeType: 'BUY' }, page: 2, kind: 'envelope' });
 */
export async function startPlatformServer(kit: PlatformKit): Promise<PlatformServer> {
  const calls: PlatformCall[] = [];
  const violations: string[] = [];
  const faults: { fault: PlatformFault; remaining: number }[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = await readText(req);
    if (url.pathname === '/robots.txt') return send(res, 404, 'text/plain', 'no robots.txt');
    if (url.pathname !== kit.path || req.method !== kit.method) {
      violations.push(`${req.method} ${url.pathname}: expected ${kit.method} ${kit.path}`);
      return send(res, 404, 'text/plain', 'not found');
    }
    let body: unknown;
    if (kit.method === 'POST') {
      if (!String(req.headers['content-type']).includes('application/json')) violations.push(`POST without a JSON content type: ${req.headers['content-type']}`);
      try {
        body = JSON.parse(text);
      } catch {
        violations.push(`POST body is not JSON: ${text.slice(0, 80)}`);
        return send(res, 400, 'text/plain', 'bad body');
      }
    }
    const read = kit.readRequest(url, body);
    if (typeof read === 'string') {
      violations.push(`${url.pathname}${url.search} ${text}: ${read}`);
      return send(res, 400, 'application/json', JSON.stringify(kit.errorEnvelope.body));
    }
    const call: PlatformCall = { at: performance.now(), url: url.pathname + url.search, ...read, body, rawBody: text, status: 200 };
    calls.push(call);
    const rows = pageRows(kit, read);
    const at = { ...read, total: bookOf(kit, read.query).rows.length };
    const fault = takeFault(faults, read);
    switch (fault?.kind) {
      case 'status':
        call.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) }) });
        return res.end('slow down');
      case 'envelope':
        return send(res, 200, 'application/json', JSON.stringify(kit.errorEnvelope.body));
      case 'not-json':
        return send(res, 200, 'text/html', '<html><head><title>Access denied</title></head><body>Please verify you are human</body></html>');
      case 'body':
        return send(res, 200, 'application/json', JSON.stringify(fault.body));
      case 'rows':
        return send(res, 200, 'application/json', JSON.stringify(kit.respond(rows.map((row, i) => fault.mutate(structuredClone(row), i)), at)));
      default:
        return send(res, 200, 'application/json', JSON.stringify(kit.respond(rows, at)));
    }
  };

  const server = await startLocalServer(handle);
  return {
    url: server.url,
    calls,
    violations,
    inject(fault) {
      faults.push({ fault, remaining: fault.times ?? Infinity });
    },
    close: () => server.close(),
  };
}

/**
 * The rows a page of a book holds, as the test server serves them.
 *
 * @example
 * pageRows(binanceKit, { query: { asset: 'USDT', fiat: 'CNY', tradeType: 'BUY' }, page: 2, pageSize: 20 }); // rows 21..40
 */
export function pageRows(kit: PlatformKit, at: BookRequest): unknown[] {
  const rows = bookOf(kit, at.query).rows;
  if (at.pageSize === Infinity) return at.page === 1 ? rows : [];
  return rows.slice((at.page - 1) * at.pageSize, at.page * at.pageSize);
}

/**
 * The one book whose query includes `partial` (a fault target's book).
 *
 * @example
 * bookMatching(binanceKit, { asset: 'USDT', tradeType: 'BUY' }).rows.length; // 45
 */
export function bookMatching(kit: PlatformKit, partial: Record<string, string>): Book {
  const found = kit.books.filter((book) => Object.entries(partial).every(([key, value]) => book.query[key] === value));
  if (found.length !== 1) throw new Error(`${kit.adapter}: ${JSON.stringify(partial)} matches ${found.length} fixture books`);
  return found[0]!;
}

/**
 * Reads `test/fixtures/<platform>/books.json`.
 *
 * @example
 * const books = loadBooks('binance');
 */
export function loadBooks(platform: string): Book[] {
  const text = readFileSync(new URL(`../fixtures/${platform}/books.json`, import.meta.url), 'utf8');
  return (JSON.parse(text) as { books: Book[] }).books;
}

function bookOf(kit: PlatformKit, query: Record<string, string>): Book {
  const same = (book: Book) => Object.keys(book.query).length === Object.keys(query).length && Object.entries(book.query).every(([k, v]) => query[k] === v);
  return kit.books.find(same) ?? { query, rows: [] };
}

function takeFault(faults: { fault: PlatformFault; remaining: number }[], read: BookRequest): PlatformFault | undefined {
  const entry = faults.find(
    ({ fault, remaining }) => remaining > 0 && fault.page === read.page && Object.entries(fault.book).every(([key, value]) => read.query[key] === value),
  );
  if (!entry) return undefined;
  entry.remaining -= 1;
  return entry.fault;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
  res.end(body);
}
