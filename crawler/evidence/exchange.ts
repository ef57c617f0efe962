/**
 * One request a fetcher sent and what came back, as the archive keeps it:
 * the request as it went on the wire, the response's status line, headers
 * and body bytes exactly as read (before any charset decoding), the address
 * of the server that answered, and for a browser page what was rendered.
 * Each attempt is one exchange — a retry that failed, a redirect hop and a
 * robots.txt read are exchanges too.
 */
export interface Exchange {
  fetcher: 'http' | 'browser';
  /** What the request was for: the page itself, or the site's robots.txt read on its behalf. */
  purpose: 'page' | 'robots';
  url: string;
  /** When the request went out. */
  sentAt: Date;
  request: ExchangeRequest;
  /** Null when no answer came (refused connection, timeout, a body cut short). */
  response: ExchangeResponse | null;
  /** The address of the server the request was sent to, from its connection; null when none was made. */
  serverIp: string | null;
  /** Why the exchange failed, when it did (a non-2xx page, a timeout); null for one that served its purpose. */
  error: string | null;
  /** Browser pages: the DOM as rendered and a full-page screenshot, made from this exchange's response. */
  rendered?: { dom: string; screenshot: Uint8Array; at: Date };
}

export interface ExchangeRequest {
  method: string;
  /** The path and query as sent on the request line (`/api/ads?page=2`). */
  target: string;
  /** Header lines as sent, in order, names as written. */
  headers: [string, string][];
  /** The body as sent; null when there was none. */
  body: Uint8Array | null;
}

export interface ExchangeResponse {
  status: number;
  statusText: string;
  /** Header lines as received, in order. */
  headers: [string, string][];
  /**
   * The body bytes as read. A body the server compressed reaches us
   * decompressed (fetch undoes `Content-Encoding`): it is kept so, and the
   * archive renames the header it no longer matches (warc-writer.ts).
   */
  body: Uint8Array;
  receivedAt: Date;
}

/**
 * Where exchanges are kept, handed to a fetcher call by call
 * (`FetchOptions.archive`). `record` resolves once the exchange is written;
 * a rejection means it was not, and the fetch fails with it rather than
 * reading a page whose evidence is lost.
 *
 * @example
 * ```ts
 * const kept: Exchange[] = [];
 * await fetcher.fetch(request, { archive: { record: async (exchange) => void kept.push(exchange) } });
 * ```
 */
export interface ExchangeArchive {
  record(exchange: Exchange): Promise<void>;
}
