import type { ExchangeRequest, ExchangeResponse } from '../evidence/exchange.ts';
import type { WireTrace } from './wire-trace.ts';

/**
 * The request of an HTTP attempt as it went on the wire: the head undici
 * wrote when the trace caught it (it adds `host`, `accept`,
 * `accept-encoding`…, and writes `content-length` apart), else the headers
 * handed to fetch.
 *
 * @example
 * ```ts
 * sentRequest(trace, { method: 'POST', url, headers, body: '{"page":2}' });
 * // { method: 'POST', target: '/bapi/search', headers: [['host', '127.0.0.1:8080'], …, ['content-length', '10']], body: <bytes> }
 * ```
 */
export function sentRequest(trace: WireTrace, sent: { method: string; url: URL; headers: Headers; body: string | undefined }): ExchangeRequest {
  const body = sent.body === undefined ? null : new TextEncoder().encode(sent.body);
  const target = `${sent.url.pathname}${sent.url.search}`;
  let headers: [string, string][];
  if (trace.requestHead === null) {
    headers = [['host', sent.url.host], ...sent.headers];
  } else {
    headers = trace.requestHead
      .split('\r\n')
      .slice(1)
      .flatMap((line): [string, string][] => {
        const colon = line.indexOf(':');
        return colon > 0 ? [[line.slice(0, colon), line.slice(colon + 1).trim()]] : [];
      });
  }
  if (body !== null && !headers.some(([name]) => name.toLowerCase() === 'content-length')) headers.push(['content-length', String(body.byteLength)]);
  return { method: sent.method, target, headers, body };
}

/**
 * The response of an HTTP attempt: its status line, the header lines as
 * received (from the trace, else as fetch merged them), and the body bytes.
 *
 * @example
 * ```ts
 * receivedResponse(response, trace, bytes, new Date());
 * ```
 */
export function receivedResponse(response: Response, trace: WireTrace, body: Uint8Array, receivedAt: Date): ExchangeResponse {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: trace.responseHeaders ?? [...response.headers],
    body,
    receivedAt,
  };
}
