/** What a fault does to a matching request; see `FaultInjector`. */
export type FaultKind =
  | '429' | '418' | '500' | '503'
  | 'slow' | 'truncated' | 'captcha' | 'error-envelope' | 'malformed-row' | 'not-json' | 'reset';

export const FAULT_KINDS: readonly FaultKind[] = [
  '429', '418', '500', '503', 'slow', 'truncated', 'captcha', 'error-envelope', 'malformed-row', 'not-json', 'reset',
];

export interface FaultRule {
  /** Exact pathname, e.g. `/api/v1/ads`. */
  path: string;
  /** Query parameters the request must carry with these values (others may be present). */
  query?: Record<string, string>;
  /** HTTP method, any case; any method when absent. */
  method?: string;
  kind: FaultKind;
  /** How many matching requests it affects; unlimited when absent. */
  times?: number;
  /** For 429/503: sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** For `slow`: how long the normal response is held back (default 2000 ms). */
  delayMs?: number;
}

/**
 * Faults on request, for the demo marketplace:
 * - `429`, `418`, `500`, `503` — that status (429/503 with `Retry-After` when set);
 * - `slow` — the normal response after `delayMs`;
 * - `truncated` — a `Content-Length` larger than the body, the socket ended mid-body;
 * - `captcha` — 200 with a "Verify you are human" interstitial, no ads table;
 * - `error-envelope` — 200 with `{"code":42900,"msg":"too many requests","data":null}`;
 * - `malformed-row` — the normal page with the first ad's price `"N/A"` (API and HTML);
 * - `not-json` — 200 with `<html>502 Bad Gateway</html>`;
 * - `reset` — the socket destroyed without a response.
 * Rules are tried in the order injected; the first that matches takes the request.
 *
 * @example
 * market.faults.inject({ path: '/api/v1/ads', query: { page: '2' }, kind: '429', retryAfterSeconds: 1, times: 1 });
 * // the next request for page 2 gets 429 with Retry-After: 1, the one after it the normal page
 */
export class FaultInjector {
  readonly #rules: { rule: FaultRule; remaining: number }[] = [];

  inject(rule: FaultRule): void {
    if (!FAULT_KINDS.includes(rule.kind)) throw new TypeError(`faults.inject: unknown kind ${JSON.stringify(rule.kind)}; use one of ${FAULT_KINDS.join(', ')}`);
    if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 1)) {
      throw new RangeError(`faults.inject: times must be a positive integer, got ${rule.times}`);
    }
    this.#rules.push({ rule: { ...rule }, remaining: rule.times ?? Infinity });
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** Rules still in force. */
  get active(): readonly FaultRule[] {
    return this.#rules.map((r) => r.rule);
  }

  /** The fault for this request, if any, using up one of its `times`. */
  take(method: string, url: URL): FaultRule | undefined {
    const index = this.#rules.findIndex(({ rule }) =>
      rule.path === url.pathname &&
      (rule.method === undefined || rule.method.toUpperCase() === method.toUpperCase()) &&
      Object.entries(rule.query ?? {}).every(([k, v]) => url.searchParams.get(k) === v));
    const hit = this.#rules[index];
    if (!hit) return undefined;
    hit.remaining -= 1;
    if (hit.remaining <= 0) this.#rules.splice(index, 1);
    return hit.rule;
  }
}
