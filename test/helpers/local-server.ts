import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 with a random port, for tests that must
 * prove what a site saw (arrival times, headers) rather than trust a stub.
 * Every request is recorded on arrival, before the handler runs. `close()`
 * also destroys keep-alive sockets, so ava exits promptly.
 *
 * @example
 * ```ts
 * const server = await startLocalServer((req, res) => res.end('ok'));
 * await fetch(`${server.url}/x`);
 * t.is(server.requests[0]?.path, '/x');
 * await server.close();
 * ```
 */
export async function startLocalServer(handler: LocalHandler): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push({
      at: performance.timeOrigin + performance.now(),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
    });
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`handler failed: ${String(error)}`);
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * Open `connections` keep-alive connections to `server` (concurrent
 * requests) and forget those requests. Node 20
 * loads undici on the first `fetch()` and a new origin costs a connect, which
 * delays that one request by several ms; timing tests call this first so a
 * cold start is not mistaken for (or hidden by) the limiter's spacing.
 *
 * @example
 * ```ts
 * const server = await startLocalServer(handler);
 * await warmUp(server, 2);
 * ```
 */
export async function warmUp(server: LocalServer, connections = 1): Promise<void> {
  await Promise.all(
    Array.from({ length: connections }, async () => (await fetch(`${server.url}/__warm-up`)).arrayBuffer()),
  );
  server.requests.splice(0);
}

export type LocalHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface RecordedRequest {
  /** Arrival time, epoch ms with sub-ms precision. */
  at: number;
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
}

export interface LocalServer {
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** `URL.host`, e.g. `127.0.0.1:54321` — the limiter's key. */
  host: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}
