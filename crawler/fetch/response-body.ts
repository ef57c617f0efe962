import { FetchError } from './fetch-error.ts';

/**
 * Read a response body as a stream, refusing to buffer more than `maxBytes`
 * (a hostile or broken server could send gigabytes) and noticing a body
 * that ends before its `Content-Length` (a cut connection would otherwise
 * be stored as a valid, shorter page — bad evidence).
 *
 * Throws `too_large` (calling `abort` first, so the socket is dropped rather
 * than drained) or `truncated`. A stream error is reported as `truncated`;
 * the caller turns it into `timeout` when its own timer caused it.
 *
 * @example
 * ```ts
 * const bytes = await readBody(response, { url, maxBytes: 10 * 2 ** 20, abort: () => controller.abort() });
 * ```
 */
export async function readBody(response: Response, options: ReadBodyOptions): Promise<Uint8Array> {
  const { url, maxBytes, abort } = options;
  const tooLarge = (detail: string) => {
    abort();
    return new FetchError({
      kind: 'too_large',
      url,
      status: response.status,
      message: `${url} sent ${detail}, more than maxBytes ${maxBytes}; raise maxBytes on the fetcher if pages this large are expected`,
    });
  };
  const declared = declaredLength(response);
  if (declared !== null && declared > maxBytes) throw tooLarge(`Content-Length ${declared}`);

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  if (reader !== undefined) {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (error) {
        throw truncated(url, response.status, total, declared, error);
      }
      if (step.done) break;
      total += step.value.byteLength;
      if (total > maxBytes) throw tooLarge(`more than ${total} bytes`);
      chunks.push(step.value);
    }
  }
  if (declared !== null && total !== declared) throw truncated(url, response.status, total, declared);
  return concat(chunks, total);
}

/** Options of `readBody`. */
export interface ReadBodyOptions {
  /** For error messages. */
  url: string;
  maxBytes: number;
  /** Abort the underlying request (drops the connection). */
  abort: () => void;
}

/**
 * Decode a body as text: the `charset` of `Content-Type` when TextDecoder
 * knows it (Node's full ICU covers gbk, gb18030, big5, shift_jis — common on
 * Chinese-language sites), else UTF-8. Invalid bytes become U+FFFD rather
 * than failing, since the raw bytes are kept (and hashed) anyway.
 *
 * @example
 * ```ts
 * decodeBody(bytes, 'text/html; charset=gbk');
 * ```
 */
export function decodeBody(bytes: Uint8Array, contentType: string | null): string {
  const label = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}

/**
 * Content-Length, when it describes the bytes we will read: fetch removes
 * gzip/br/deflate, after which the header counts compressed bytes, so it is
 * ignored for encoded responses.
 */
function declaredLength(response: Response): number | null {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return null;
  const value = response.headers.get('content-length');
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

function truncated(
  url: string,
  status: number,
  received: number,
  declared: number | null,
  cause?: unknown,
): FetchError {
  const expected = declared === null ? '' : ` of the ${declared} announced by Content-Length`;
  const reason = cause instanceof Error ? ` (${describeCause(cause)})` : '';
  return new FetchError({
    kind: 'truncated',
    url,
    status,
    cause,
    message: `${url} body ended after ${received} bytes${expected}${reason}; the connection was cut before the body was complete — if this persists, the server or a proxy in between is failing`,
  });
}

/**
 * An error's message with its cause's code and message: undici reports
 * every transport failure as "fetch failed" and hides the socket error in
 * `cause`, which is the part a reader needs.
 *
 * @example
 * ```ts
 * describeCause(error); // 'fetch failed: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:3000'
 * ```
 */
export function describeCause(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? `${cause.code}: ` : '';
    return `${error.message}: ${code}${cause.message}`;
  }
  return error.message;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
