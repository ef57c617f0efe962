import { Webhook } from 'standardwebhooks';
import { composeFetch } from '../../crawler/fetch/fetch-chain.ts';
import { FetchError } from '../../crawler/fetch/fetch-error.ts';
import { retryPolicy } from '../../crawler/fetch/retry-loop.ts';
import { parseRetryAfter } from '../../crawler/fetch/retry-policy.ts';
import { safeValue } from '../output/safe-text.ts';
import type { AlertSink } from './alert-sink.ts';

/**
 * POSTs each alert as JSON (the stored alert, as the JSON-lines sink writes
 * it) to a URL, signed per the Standard Webhooks specification
 * (https://www.standardwebhooks.com), so the receiver can tell it came from
 * this deployment, now, and only once:
 *
 * - `webhook-id: otcwatch-alert-<alert id>`, the same on every retry (dedupe on it: delivery is at least once)
 * - `webhook-timestamp: <seconds since the epoch>` of this request
 * - `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>", keyed by the secret's bytes>`
 *
 * The timestamp is signed, so a captured request cannot be replayed once the
 * receiver's tolerance (5 minutes in the reference libraries) has passed,
 * and the id is signed, so within it a replay is a duplicate.
 *
 * A network error, a timeout, 408, 418, 429 or a 5xx is retried by the
 * crawler's retry loop (retry-loop.ts) with exponential backoff, or the
 * receiver's `Retry-After` up to `maxDelayMs` (`tries` in all); another
 * status fails at once. When every try
 * fails, `deliver` throws and the delivery is retried later (see
 * `deliverAlerts`).
 *
 * @example
 * const sink = webhookSink({ url: 'https://hooks.example.org/otcwatch', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
 * // receiver: new Webhook(secret).verify(rawBody, req.headers) (npm standardwebhooks)
 */
export function webhookSink(props: WebhookSinkProps): AlertSink {
  const timeoutMs = props.timeoutMs ?? 10_000;
  const target = new URL(props.url);
  const where = `webhook ${target.origin}${target.pathname}`;
  checkSecret(props.secret);
  const signer = new Webhook(props.secret);
  const now = props.now ?? (() => new Date());
  const maxDelayMs = props.maxDelayMs ?? 5_000;
  const send = composeFetch<Post, void>(
    // The crawler's retry loop; a receiver asking to wait longer than the longest backoff fails the attempt.
    [retryPolicy({ maxAttempts: props.tries ?? 3, baseDelayMs: props.baseDelayMs ?? 500, maxDelayMs, maxRetryAfterMs: maxDelayMs })],
    (post) => postOnce(post, { signer, now, timeoutMs }),
  );
  return {
    name: 'webhook',
    async deliver(alert) {
      // The body is what leaves the deployment: seller text passes the output boundary.
      const body = JSON.stringify(safeValue(alert));
      try {
        await send({ url: target, id: `otcwatch-alert-${alert.id}`, body }, { attempt: 1, options: {} });
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    },
  };
}

/**
 * The single attempt: one signed POST. A failure is a `FetchError` for the
 * retry loop to judge (network, timeout, 408, 418, 429, 5xx are retried).
 */
async function postOnce(post: Post, context: { signer: Webhook; now: () => Date; timeoutMs: number }): Promise<void> {
  // Signed afresh each try: the timestamp is the request's own, so a retry is never stale.
  const at = context.now();
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'webhook-id': post.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': context.signer.sign(post.id, at, post.body),
  };
  let response: Response;
  let text: string;
  try {
    response = await fetch(post.url, { method: 'POST', headers, body: post.body, signal: AbortSignal.timeout(context.timeoutMs) });
    text = await response.text();
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new FetchError({ kind: timedOut ? 'timeout' : 'network', url: post.url.href, message: describeFetchError(error), cause: error });
  }
  if (response.ok) return;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), at);
  throw new FetchError({
    kind: 'http_status',
    url: post.url.href,
    status: response.status,
    message: `HTTP ${response.status}${text ? `: ${text.trim().slice(0, 200)}` : ''}`,
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
  });
}

interface Post {
  url: URL;
  id: string;
  body: string;
}

const SECRET_FORM = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

/** Refuses a key that is not `whsec_` + base64 of 24–64 bytes, without ever repeating it. */
function checkSecret(secret: string): void {
  const bytes = SECRET_FORM.test(secret) ? Buffer.from(secret.slice('whsec_'.length), 'base64').length : 0;
  if (bytes < 24 || bytes > 64) {
    throw new Error(
      'the webhook secret is not a Standard Webhooks secret: "whsec_" and the base64 of 24 to 64 random bytes ' +
        `(make one with: node -e "console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))"); its value is not shown`,
    );
  }
}

function describeFetchError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

export interface WebhookSinkProps {
  url: string;
  /** The signing key, as Standard Webhooks spells it: `whsec_` and the base64 of its bytes; the receiver holds the same. */
  secret: string;
  /** The clock that stamps each request. Default: the system clock. */
  now?: () => Date;
  /** Requests per delivery attempt, the first included. Default 3. */
  tries?: number;
  /** Backoff between tries: ceiling of the first wait (default 500 ms), and of any wait (default 5000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per request. Default 10000 ms. */
  timeoutMs?: number;
}
