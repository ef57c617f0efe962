import type { Response } from 'playwright-core';
import type { Exchange } from '../evidence/exchange.ts';

/**
 * The document exchange behind a browser page, as the browser saw it: the
 * navigation request's method, header lines and body, the response's
 * status line, header lines (names as sent) and body bytes, and the address
 * of the server the browser connected to.
 *
 * @example
 * ```ts
 * const response = await page.goto(url);
 * const document = await documentExchange(response!);
 * console.log(document.serverIp, document.response.body.byteLength);
 * ```
 */
export async function documentExchange(response: Response): Promise<Pick<Exchange, 'request' | 'response' | 'serverIp'> & { response: NonNullable<Exchange['response']> }> {
  const request = response.request();
  const url = new URL(request.url());
  const [requestHeaders, responseHeaders, body, server] = await Promise.all([
    request.headersArray(),
    response.headersArray(),
    // A document that is gone (the page navigated on) keeps its status and headers as the evidence there is.
    response.body().catch(() => Buffer.alloc(0)),
    response.serverAddr(),
  ]);
  const sent = request.postDataBuffer();
  return {
    request: {
      method: request.method(),
      target: `${url.pathname}${url.search}`,
      headers: [['host', url.host], ...requestHeaders.filter((h) => h.name.toLowerCase() !== 'host').map((h): [string, string] => [h.name, h.value])],
      body: sent === null ? null : new Uint8Array(sent),
    },
    response: {
      status: response.status(),
      statusText: response.statusText(),
      headers: responseHeaders.map((h): [string, string] => [h.name, h.value]),
      body: new Uint8Array(body),
      receivedAt: new Date(),
    },
    serverIp: server?.ipAddress ?? null,
  };
}
