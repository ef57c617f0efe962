import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng } from '../../scripts/demo/prng.ts';
import { renderCaptchaPage } from '../../scripts/demo/render-html.ts';

/** What the proxy does to a request instead of passing it through untouched. */
export type ProxyFault = '429' | '500' | '503' | 'stall' | 'cut-declared' | 'cut-undeclared' | 'captcha';

export const PROXY_FAULTS: readonly ProxyFault[] = ['429', '500', '503', 'stall', 'cut-declared', 'cut-undeclared', 'captcha'];

/** One request as the proxy answered it. */
export interface ProxyExchange {
  /** Path and query, e.g. `/api/v1/ads?page=2&rows=50`. */
  target: string;
  fault: ProxyFault | null;
  /** Whether the client got the marketplace's whole, true answer (a stall is late, but whole). */
  good: boolean;
}

export interface FaultProxyProps {
  /** The server behind the proxy, e.g. the demo marketplace's URL. */
  upstream: string;
  /** Share of eligible requests that get a fault. Default 0.2. */
  share?: number;
  /** Seed of the choice of requests. Default 1. */
  seed?: number;
  /** How long `stall` holds the answer back. Default 4000 ms. */
  stallMs?: number;
  /** Which requests may be faulted. Default: all but `/robots.txt`, whose failure would only disallow the whole host. */
  eligible?: (target: URL) => boolean;
}

/**
 * A fault-injecting HTTP proxy on 127.0.0.1, in front of a real server. A
 * seeded share of requests gets a fault, the kinds taken in turn so every
 * kind comes up: 429 with `Retry-After: 1`, 500, 503 with `Retry-After: 1`,
 * a stall of `stallMs` before the true answer, the body cut short with its
 * full `Content-Length` declared (the socket destroyed half-way), the body
 * cut short with no length declared (a `Connection: close` body ended
 * cleanly half-way, which no transport check can see), and a 200 captcha
 * page. Every exchange is logged, so a test knows which pages finally
 * answered well.
 *
 * @example
 * const proxy = await startFaultProxy({ upstream: market.url, seed: 7 });
 * // crawl proxy.url …; proxy.exchanges, proxy.injected
 * await proxy.close();
 */
export async function startFaultProxy(props: FaultProxyProps): Promise<FaultProxy> {
  const share = props.share ?? 0.2;
  const stallMs = props.stallMs ?? 4000;
  const eligible = props.eligible ?? ((target: URL) => target.pathname !== '/robots.txt');
  const random = new Rng(props.seed ?? 1);
  const exchanges: ProxyExchange[] = [];
  const injected = Object.fromEntries(PROXY_FAULTS.map((kind) => [kind, 0])) as Record<ProxyFault, number>;
  let faults = 0;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', props.upstream);
    const fault = eligible(target) && random.chance(share) ? PROXY_FAULTS[faults++ % PROXY_FAULTS.length]! : null;
    if (fault) injected[fault] += 1;
    const exchange: ProxyExchange = { target: target.pathname + target.search, fault, good: fault === null || fault === 'stall' };
    exchanges.push(exchange);
    answer(req, res, target, fault, stallMs).catch(() => {
      exchange.good = false;
      res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    injected,
    lastAnswers() {
      const last = new Map<string, ProxyExchange>();
      for (const exchange of exchanges) last.set(exchange.target, exchange);
      return last;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: point a source's base URL here. */
  url: string;
  /** Every request, in arrival order. */
  exchanges: ProxyExchange[];
  /** Faults injected so far, by kind. */
  injected: Record<ProxyFault, number>;
  /** The last exchange of each target: whether the page finally answered well. */
  lastAnswers(): Map<string, ProxyExchange>;
  close(): Promise<void>;
}

async function answer(req: IncomingMessage, res: ServerResponse, target: URL, fault: ProxyFault | null, stallMs: number): Promise<void> {
  if (fault === '429' || fault === '503') return void res.writeHead(Number(fault), { 'retry-after': '1', 'content-type': 'text/plain' }).end('slow down');
  if (fault === '500') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
  if (fault === 'captcha') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderCaptchaPage());

  const upstream = await fetch(target, { method: req.method, headers: forwardedHeaders(req), ...(await bodyOf(req)) });
  const body = Buffer.from(await upstream.arrayBuffer());
  const headers: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' };
  const retryAfter = upstream.headers.get('retry-after');
  if (retryAfter) headers['retry-after'] = retryAfter;
  if (fault === 'stall') await sleep(stallMs);
  const half = body.subarray(0, Math.floor(body.length / 2));
  if (fault === 'cut-declared') {
    res.writeHead(upstream.status, { ...headers, 'content-length': String(body.length) });
    res.write(half, () => res.destroy());
    return;
  }
  if (fault === 'cut-undeclared') {
    // Written on the socket by hand: no Content-Length, no chunking, the end of the body is the end of the connection.
    const head = `HTTP/1.1 ${upstream.status} OK\r\ncontent-type: ${headers['content-type']}\r\nconnection: close\r\n\r\n`;
    res.socket!.end(Buffer.concat([Buffer.from(head, 'latin1'), half]));
    return;
  }
  res.writeHead(upstream.status, { ...headers, 'content-length': String(body.length) }).end(body);
}

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !['host', 'connection', 'content-length', 'accept-encoding'].includes(name)) headers[name] = value;
  }
  return headers;
}

async function bodyOf(req: IncomingMessage): Promise<{ body?: string }> {
  if (req.method === 'GET' || req.method === 'HEAD') return {};
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return { body: Buffer.concat(chunks).toString('utf8') };
}
