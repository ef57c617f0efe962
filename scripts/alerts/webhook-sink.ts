import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelayMs } from '../../crawler/fetch/retry-policy.ts';
import { safeValue } from '../output/safe-text.ts';
import type { AlertSink } from './alert-sink.ts';

/**
 * POSTs each alert as JSON (the stored alert, as the JSON-lines sink writes
 * it) to a URL, signed so the receiver can tell it came from this
 * deployment:
 *
 * - `X-Otcwatch-Signature: sha256=<hex HMAC-SHA256 of the exact body, keyed by the secret>`
 * - `X-Otcwatch-Alert-Id: <alert id>` (dedupe on it: delivery is at least once)
 *
 * A network error, a timeout, 408, 429 or a 5xx is retried with exponential
 * backoff (`tries` in all); another status fails at once. When every try
 * fails, `deliver` throws and the delivery is retried later (see
 * `deliverAlerts`).
 *
 * @example
 * const sink = webhookSink({ url: 'https://hooks.example.org/otcwatch', secret: process.env.OTCWATCH_WEBHOOK_SECRET! });
 * // receiver: hmac('sha256', secret).update(rawBody).digest('hex') === header.slice('sha256='.length)
 */
export function webhookSink(props: WebhookSinkProps): AlertSink {
  const tries = props.tries ?? 3;
  const backoff = { baseDelayMs: props.baseDelayMs ?? 500, maxDelayMs: props.maxDelayMs ?? 5_000 };
  const timeoutMs = props.timeoutMs ?? 10_000;
  const target = new URL(props.url);
  const where = `webhook ${target.origin}${target.pathname}`;
  return {
    name: 'webhook',
    async deliver(alert) {
      // The body is what leaves the deployment: seller text passes the output boundary.
      const body = JSON.stringify(safeValue(alert));
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'x-otcwatch-signature': webhookSignature(props.secret, body),
        'x-otcwatch-alert-id': String(alert.id),
      };
      let failure = '';
      for (let attempt = 1; attempt <= tries; attempt += 1) {
        if (attempt > 1) await sleep(retryDelayMs(attempt - 1, backoff));
        try {
          const response = await fetch(target, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
          const text = await response.text();
          if (response.ok) return;
          failure = `HTTP ${response.status}${text ? `: ${text.trim().slice(0, 200)}` : ''}`;
          if (!isRetryable(response.status)) break;
        } catch (error) {
          failure = describeFetchError(error);
        }
      }
      throw new Error(`${where}: ${failure}`);
    },
  };
}

/**
 * The `X-Otcwatch-Signature` value of a body: `sha256=` and the hex HMAC-SHA256.
 *
 * @example
 * webhookSignature('s3cret', '{"id":1}'); // "sha256=…64 hex digits…"
 */
function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function describeFetchError(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

export interface WebhookSinkProps {
  url: string;
  /** HMAC key; the receiver holds the same. */
  secret: string;
  /** Requests per delivery attempt, the first included. Default 3. */
  tries?: number;
  /** Backoff between tries: ceiling of the first wait (default 500 ms), and of any wait (default 5000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per request. Default 10000 ms. */
  timeoutMs?: number;
}
