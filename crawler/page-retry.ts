import { setTimeout as delay } from 'node:timers/promises';
import type { PolitenessConfig } from './source-adapter.ts';

/** How often, and after how long, a transiently failed page is read again. */
export interface PageRetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Wait before the first retry; doubles on each. */
  delayMs: number;
  /** Waits `ms`; injectable so a test (or an AbortSignal-aware loop) decides how. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_PAGE_RETRIES = 2;
export const DEFAULT_PAGE_RETRY_DELAY_MS = 2000;

/**
 * A source's page-retry policy from its politeness (`pageRetries`,
 * `pageRetryDelayMs`), with the default sleep unless one is given.
 *
 * @example
 * pageRetryPolicy(source.politeness); // { retries: 2, delayMs: 2000, sleep }
 */
export function pageRetryPolicy(politeness: PolitenessConfig, sleep: (ms: number) => Promise<void> = (ms) => delay(ms)): PageRetryPolicy {
  return { retries: politeness.pageRetries ?? DEFAULT_PAGE_RETRIES, delayMs: politeness.pageRetryDelayMs ?? DEFAULT_PAGE_RETRY_DELAY_MS, sleep };
}

/**
 * Reads a page again while its outcome is transient — a platform's "system
 * busy" envelope, a captcha or interstitial, a page cut short — with
 * exponential backoff, up to `policy.retries` times; the last outcome is
 * returned whatever it is. HTTP-level retries (429, 5xx) are the fetcher's;
 * these are pages that arrived and still could not be used.
 *
 * @example
 * const page = await retryTransient(() => crawlPage(request), (p) => p.transient, pageRetryPolicy(source.politeness));
 */
export async function retryTransient<T>(attempt: () => Promise<T>, isTransient: (outcome: T) => boolean, policy: PageRetryPolicy): Promise<{ outcome: T; attempts: number }> {
  let outcome = await attempt();
  let attempts = 1;
  while (isTransient(outcome) && attempts <= policy.retries) {
    await policy.sleep(policy.delayMs * 2 ** (attempts - 1));
    outcome = await attempt();
    attempts += 1;
  }
  return { outcome, attempts };
}
