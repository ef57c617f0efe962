import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { hasNextPage, pageOfAds, readPaging } from './ads-page.ts';
import type { AdsPage } from './ads-page.ts';
import { FaultInjector } from './faults.ts';
import type { FaultRule } from './faults.ts';
import { demoState } from './marketplace-state.ts';
import type { DemoState } from './marketplace-state.ts';
import { renderAppShell } from './render-app.ts';
import { escapeHtml, renderCaptchaPage, renderMarketPage, renderMessagePage, renderProfilePage } from './render-html.ts';
import { RequestLog } from './request-log.ts';
import { RobotsRules } from './robots-rules.ts';
import { DEMO_CSS, DEMO_FONT, PAY_ICON_PNG } from './static-assets.ts';

export interface DemoMarketplaceOptions {
  /** Seed of the state; default 42. */
  seed?: number;
  /** Starting tick; default 0. */
  tick?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Ads per page of `/market` and `/app`, and the API's default `rows`; default 20. */
  pageSize?: number;
  /** Ads at tick 0 (see `DemoSize`); default about 60. `{ ads: 20000, pageSize: 50 }` serves 400 pages. */
  ads?: number;
  /** How long `/app`'s script waits before fetching, in ms; default 50. */
  renderDelayMs?: number;
}

export interface DemoMarketplace {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly tick: number;
  /** The state every endpoint serves right now (a fresh copy). */
  state(): DemoState;
  /** Moves the state forward `by` ticks (default 1). */
  advance(by?: number): void;
  setTick(tick: number): void;
  readonly faults: FaultInjector;
  readonly requestLog: RequestLog;
  readonly robots: { disallow(pathPrefix: string): void; allowAll(): void };
  /** Stops listening and destroys open (keep-alive) sockets and pending slow responses. */
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/**
 * Starts the deterministic demo marketplace on a local port. It serves one
 * state (`demoState(seed, tick)`) three ways, injects faults on request and
 * logs every request.
 *
 * - `GET /api/v1/ads?page=1&rows=20` → `{"code":0,"msg":"ok","data":{"tick","total","page","rows","items":[…]}}`;
 *   bad `page`/`rows` (rows above 50) → HTTP 200 `{"code":40001,"msg":…,"data":null}`
 * - `GET /market?page=N` → server-rendered `table.ads`, `a[rel=next]` while more pages follow
 * - `GET /app?page=N` → the same markup, rendered by a script (a plain GET has no rows)
 * - `GET /u/<sellerId>`, `/icons/<name>.png`, `/fonts/demo.woff2`, `/static/demo.css`, `/robots.txt`
 * - `POST /_demo/advance[?by=N]` → `{"tick":n}`; `GET /_demo/state` → the DemoState (logged as `control`)
 *
 * @example
 * const market = await startDemoMarketplace({ seed: 7 });
 * const body = await (await fetch(`${market.url}/api/v1/ads?page=1`)).json();
 * market.advance();
 * await market.close();
 */
export async function startDemoMarketplace(options: DemoMarketplaceOptions = {}): Promise<DemoMarketplace> {
  const seed = options.seed ?? 42;
  const pageSize = options.pageSize ?? 20;
  const renderDelayMs = options.renderDelayMs ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 50) throw new RangeError(`pageSize must be 1..50, got ${pageSize}`);
  let tick = checkedTick(options.tick ?? 0);
  const size = options.ads === undefined ? {} : { ads: options.ads };
  demoState(seed, tick, size); // validates the seed and size now, not on the first request

  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  const robots = new RobotsRules();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  // Built once per tick: at 20,000 ads building the state took ~30 ms a request, and the server, not the
  // crawler, set the pace of every benchmark. Frozen, as every request and `state()` caller shares it.
  let built: { tick: number; state: DemoState } | undefined;
  const current = (): DemoState => {
    if (built?.tick !== tick) built = { tick, state: frozenState(demoState(seed, tick, size)) };
    return built.state;
  };

  const adsPage = (query: URLSearchParams, rows: number | null, malformed: boolean): AdsPage | { error: string } => {
    const paging = readPaging(query, pageSize);
    if ('error' in paging) return paging;
    const result = pageOfAds(current(), paging.page, rows ?? paging.rows);
    const first = result.items[0];
    if (malformed && first) result.items[0] = { ...first, price: 'N/A' };
    return result;
  };

  const route = (method: string, url: URL, malformed: boolean): Reply => {
    const { pathname } = url;
    const isRead = method === 'GET' || method === 'HEAD';
    if (pathname === '/_demo/advance') {
      if (method !== 'POST') return methodNotAllowed('POST');
      const by = Number(url.searchParams.get('by') ?? 1);
      if (!Number.isSafeInteger(by) || by < 0) return json(400, { error: `by must be a non-negative integer, got ${url.searchParams.get('by')}` });
      tick += by;
      return json(200, { tick });
    }
    if (!isRead) return methodNotAllowed('GET, HEAD');
    if (pathname === '/_demo/state') return json(200, current());
    if (pathname === '/api/v1/ads') {
      const result = adsPage(url.searchParams, null, malformed);
      if ('error' in result) return json(200, { code: 40001, msg: result.error, data: null });
      return json(200, { code: 0, msg: 'ok', data: result });
    }
    if (pathname === '/market' || pathname === '/app') {
      // HTML pages have a fixed size: `rows` is the API's business, not theirs.
      const query = new URLSearchParams(url.searchParams);
      query.delete('rows');
      const result = adsPage(query, pageSize, malformed);
      if ('error' in result) return html(400, renderMessagePage('参数错误', `<p class="bad-request">${escapeHtml(result.error)}</p>`));
      if (pathname === '/app') return html(200, renderAppShell({ page: result.page, rows: pageSize, delayMs: renderDelayMs }));
      const view = { items: result.items, page: result.page, hasNext: hasNextPage(result), basePath: '/market' };
      return html(200, renderMarketPage(view, result.tick));
    }
    const profile = /^\/u\/([A-Za-z0-9_-]+)$/.exec(pathname);
    if (profile) {
      const sellerId = profile[1] as string;
      const ads = current().ads.filter((ad) => ad.sellerId === sellerId);
      return html(ads.length > 0 ? 200 : 404, renderProfilePage(sellerId, ads));
    }
    if (/^\/icons\/[a-z0-9-]+\.png$/.test(pathname)) return asset('image/png', PAY_ICON_PNG);
    if (pathname === '/fonts/demo.woff2') return asset('font/woff2', DEMO_FONT);
    if (pathname === '/static/demo.css') return asset('text/css; charset=utf-8', DEMO_CSS);
    if (pathname === '/robots.txt') return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: robots.text() };
    if (pathname === '/') {
      return html(200, renderMessagePage('演示 OTC 市场', '<ul><li><a href="/market">/market</a></li><li><a href="/app">/app</a></li><li><a href="/api/v1/ads">/api/v1/ads</a></li></ul>'));
    }
    return html(404, renderMessagePage('Not found', `<p class="not-found">${escapeHtml(pathname)} not found</p>`));
  };

  const send = (res: ServerResponse, entry: { status: number }, reply: Reply): void => {
    entry.status = reply.status;
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    res.writeHead(reply.status, { 'cache-control': 'no-store', ...reply.headers, 'content-length': String(body.length) });
    res.end(body);
  };

  const faulted = (fault: FaultRule, res: ServerResponse, entry: { status: number }, normal: () => Reply): void => {
    switch (fault.kind) {
      case '429':
      case '503':
      case '418':
      case '500': {
        const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
        if ((fault.kind === '429' || fault.kind === '503') && fault.retryAfterSeconds !== undefined) {
          headers['retry-after'] = String(fault.retryAfterSeconds);
        }
        return send(res, entry, { status: Number(fault.kind), headers, body: `${fault.kind} (injected fault)\n` });
      }
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(res, entry, normal());
        }, fault.delayMs ?? 2000);
        timers.add(timer);
        return;
      }
      case 'truncated': {
        const reply = normal();
        const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
        entry.status = reply.status;
        // Promise the whole body, deliver half, then hang up.
        res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
        return;
      }
      case 'captcha':
        return send(res, entry, html(200, renderCaptchaPage()));
      case 'error-envelope':
        return send(res, entry, json(200, { code: 42900, msg: 'too many requests', data: null }));
      case 'not-json':
        return send(res, entry, html(200, '<html>502 Bad Gateway</html>'));
      case 'malformed-row':
        return send(res, entry, normal());
      case 'reset':
        res.socket?.destroy();
        return;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const control = url.pathname.startsWith('/_demo/');
    const entry = requestLog.record({
      method,
      path: url.pathname + url.search,
      pathname: url.pathname,
      userAgent: req.headers['user-agent'],
      control,
    });
    const done = (): void => { entry.doneHrAt ??= performance.now(); };
    res.once('finish', done);
    res.once('close', done);
    req.resume(); // bodies are never read; drain them so keep-alive works
    const fault = control ? undefined : faults.take(method, url);
    try {
      if (!fault) return send(res, entry, route(method, url, false));
      entry.fault = fault.kind;
      faulted(fault, res, entry, () => route(method, url, fault.kind === 'malformed-row'));
    } catch (error) {
      send(res, entry, html(500, renderMessagePage('Server error', `<pre>${escapeHtml(String(error))}</pre>`)));
    }
  };

  const server = createServer({ keepAliveTimeout: 5_000 }, handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    get tick() {
      return tick;
    },
    state: current,
    advance(by = 1) {
      tick += checkedStep(by);
    },
    setTick(next) {
      tick = checkedTick(next);
    },
    faults,
    requestLog,
    robots: { disallow: (prefix) => robots.disallow(prefix), allowAll: () => robots.allowAll() },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function checkedTick(tick: number): number {
  if (!Number.isSafeInteger(tick) || tick < 0) throw new RangeError(`tick must be a non-negative integer, got ${tick}`);
  return tick;
}

function checkedStep(by: number): number {
  if (!Number.isSafeInteger(by) || by < 0) throw new RangeError(`advance: by must be a non-negative integer, got ${by}`);
  return by;
}

function json(status: number, value: unknown): Reply {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(value) };
}

function html(status: number, body: string): Reply {
  return { status, headers: { 'content-type': HTML_TYPE }, body };
}

function asset(type: string, body: string | Buffer): Reply {
  return { status: 200, headers: { 'content-type': type, 'cache-control': 'max-age=3600' }, body };
}

function methodNotAllowed(allow: string): Reply {
  return { status: 405, headers: { 'content-type': 'text/plain; charset=utf-8', allow }, body: 'method not allowed\n' };
}

function frozenState(state: DemoState): DemoState {
  for (const ad of state.ads) {
    for (const value of Object.values(ad)) if (Array.isArray(value)) Object.freeze(value);
    Object.freeze(ad);
  }
  Object.freeze(state.ads);
  return Object.freeze(state);
}
