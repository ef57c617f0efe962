import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';

/**
 * What one `fetch()` really put on and took off the wire, which its
 * `Response` does not tell: the address of the socket it went over, the
 * request head as written (with the headers undici adds), and the response
 * header lines as received (names as sent, duplicates kept).
 */
export interface WireTrace {
  serverIp: string | null;
  /** The request line and header lines as written, CRLF-separated, without the final blank line. */
  requestHead: string | null;
  responseHeaders: [string, string][] | null;
}

const current = new AsyncLocalStorage<WireTrace>();
const traceOfRequest = new WeakMap<object, WireTrace>();
let listening = false;

/**
 * Runs `send` (one `fetch()`) with a trace that Node's own fetch fills in
 * through its diagnostics channels: the undici request created inside
 * `send` is tied to the trace by async context, and the socket it is
 * written to, and the head it gets back, are read off that request. When
 * the channels say nothing (another runtime), the trace stays empty and the
 * caller falls back on what `Response` gives.
 *
 * @example
 * ```ts
 * const trace: WireTrace = { serverIp: null, requestHead: null, responseHeaders: null };
 * const response = await traceWire(trace, () => fetch(url));
 * console.log(trace.serverIp); // '127.0.0.1'
 * ```
 */
export function traceWire<T>(trace: WireTrace, send: () => Promise<T>): Promise<T> {
  listen();
  return current.run(trace, send);
}

function listen(): void {
  if (listening) return;
  listening = true;
  diagnostics.subscribe('undici:request:create', (message) => {
    const trace = current.getStore();
    if (trace) traceOfRequest.set((message as { request: object }).request, trace);
  });
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { request, headers, socket } = message as { request: object; headers: string; socket: { remoteAddress?: string } };
    const trace = traceOfRequest.get(request);
    if (!trace) return;
    trace.serverIp = socket.remoteAddress ?? null;
    trace.requestHead = headers.replace(/\r\n$/, '');
  });
  diagnostics.subscribe('undici:request:headers', (message) => {
    const { request, response } = message as { request: object; response: { headers: (Buffer | string)[] } };
    const trace = traceOfRequest.get(request);
    if (!trace) return;
    const lines: [string, string][] = [];
    for (let i = 0; i + 1 < response.headers.length; i += 2) lines.push([String(response.headers[i]), String(response.headers[i + 1])]);
    trace.responseHeaders = lines;
  });
}
