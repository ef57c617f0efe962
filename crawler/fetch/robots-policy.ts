import robotsParser from 'robots-parser';
import type { FetchOptions } from '../fetcher.ts';
import { untilAborted } from './abortable.ts';
import { robotsToken } from './user-agent.ts';

/**
 * robots.txt for otcwatch, with RFC 9309 semantics for a missing or broken
 * file:
 * - 2xx: parse it (robots-parser) and match rules for our product token;
 * - 4xx ("unavailable"): no rules, everything is allowed (§2.3.1.3);
 * - 5xx, 429, or a network error ("unreachable"): everything is disallowed
 *   (§2.3.1.4) — a site that cannot serve its rules has not allowed us
 *   anything. 429 counts as unreachable because it is the server pushing
 *   back, not a missing file.
 *
 * One fetch per origin: results are cached and concurrent callers share the
 * in-flight fetch. A caller whose signal aborts stops waiting at once; a
 * fetch cut short by an abort is not an answer and is not cached. A cached answer is kept `maxAgeMs` (RFC 9309 §2.4 says
 * at most 24 h); an "unreachable" answer only `unreachableMaxAgeMs`, since
 * it is usually transient and would otherwise block a whole site for a day.
 *
 * @example
 * ```ts
 * const robots = new RobotsPolicy({
 *   userAgent: DEFAULT_USER_AGENT,
 *   fetchText: async (url) => { const r = await fetch(url); return { status: r.status, body: await r.text() }; },
 * });
 * if (await robots.isAllowed('https://example.com/market')) { ... }
 * const gap = await robots.crawlDelayMs('https://example.com/market'); // e.g. 2000, or null
 * ```
 */
export class RobotsPolicy {
  readonly #props: Required<RobotsPolicyProps>;
  readonly #token: string;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(props: RobotsPolicyProps) {
    this.#props = {
      maxAgeMs: 24 * 60 * 60 * 1000,
      unreachableMaxAgeMs: 60 * 1000,
      now: Date.now,
      ...props,
    };
    this.#token = robotsToken(props.userAgent);
  }

  /** The product token matched against `User-agent:` lines, e.g. `otcwatch`. */
  get token(): string {
    return this.#token;
  }

  /**
   * May `url` be fetched? Fetches the origin's robots.txt on first use.
   *
   * @example
   * ```ts
   * await robots.isAllowed('http://127.0.0.1:3000/market'); // false if "Disallow: /market"
   * ```
   */
  async isAllowed(url: string | URL, options: FetchOptions = {}): Promise<boolean> {
    return (await this.check(url, options)).allowed;
  }

  /**
   * The decision with its reason, for error messages that tell the user
   * whether a rule or an unreachable robots.txt stopped the crawl.
   *
   * @example
   * ```ts
   * const d = await robots.check(url);
   * if (!d.allowed && d.reason === 'unreachable') console.log(d.detail); // "HTTP 503"
   * ```
   *
   * `options` are the page fetch's own (its signal above all), handed to
   * `fetchText` when robots.txt must be read on its behalf.
   */
  async check(url: string | URL, options: FetchOptions = {}): Promise<RobotsDecision> {
    const target = new URL(url);
    const rules = await this.#rulesFor(target, options);
    const robotsUrl = robotsUrlOf(target);
    switch (rules.kind) {
      case 'unavailable':
        return { allowed: true, reason: 'unavailable', robotsUrl, detail: rules.detail, crawlDelayMs: null };
      case 'unreachable':
        return { allowed: false, reason: 'unreachable', robotsUrl, detail: rules.detail, crawlDelayMs: null };
      case 'parsed': {
        // robots-parser answers undefined for a URL of another origin, which
        // cannot happen here; treat it as "no rule matched".
        const allowed = rules.robot.isAllowed(target.href, this.#token) ?? true;
        const line = rules.robot.getMatchingLineNumber(target.href, this.#token);
        const delay = rules.robot.getCrawlDelay(this.#token);
        return {
          allowed,
          reason: 'rules',
          robotsUrl,
          detail: line > 0 ? `line ${line}` : 'no matching rule',
          // "Crawl-delay: Infinity" parses as a number; held at the largest exact integer, it is
          // a gap longer than any otcwatch allows, so the robots gate refuses the host.
          crawlDelayMs: typeof delay === 'number' && delay > 0 ? Math.min(Math.round(delay * 1000), Number.MAX_SAFE_INTEGER) : null,
        };
      }
    }
  }

  /**
   * The `Crawl-delay` for our token (or `*`) on the origin of `url`, in ms,
   * or null when robots.txt sets none. The fetcher raises the host's
   * `minGapMs` to it.
   *
   * @example
   * ```ts
   * await robots.crawlDelayMs('https://example.com/'); // "Crawl-delay: 2" → 2000
   * ```
   */
  async crawlDelayMs(url: string | URL, options: FetchOptions = {}): Promise<number | null> {
    return (await this.check(url, options)).crawlDelayMs;
  }

  async #rulesFor(target: URL, options: FetchOptions): Promise<RobotsRules> {
    for (;;) {
      const now = this.#props.now();
      const cached = this.#cache.get(target.origin);
      const entry = cached !== undefined && cached.expiresAt > now ? cached : this.#startLoad(target, options);
      try {
        return await untilAborted(entry.rules, options.signal);
      } catch (error) {
        // Another caller's abort cut the shared fetch short: read it again for this one.
        if (options.signal?.aborted || this.#cache.get(target.origin) === entry) throw error;
      }
    }
  }

  #startLoad(target: URL, options: FetchOptions): CacheEntry {
    const entry: CacheEntry = { expiresAt: Number.POSITIVE_INFINITY, rules: this.#load(robotsUrlOf(target), options) };
    this.#cache.set(target.origin, entry);
    // Until it settles the entry never expires, so concurrent callers share
    // the one in-flight fetch; then it gets its real lifetime, or is
    // dropped when an abort cut it short.
    entry.rules.then(
      (rules) => {
        const age = rules.kind === 'unreachable' ? this.#props.unreachableMaxAgeMs : this.#props.maxAgeMs;
        entry.expiresAt = this.#props.now() + age;
      },
      () => {
        if (this.#cache.get(target.origin) === entry) this.#cache.delete(target.origin);
      },
    );
    return entry;
  }

  async #load(robotsUrl: string, options: FetchOptions): Promise<RobotsRules> {
    let response: { status: number; body: string };
    try {
      response = await this.#props.fetchText(robotsUrl, options);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      return { kind: 'unreachable', detail: `could not be fetched: ${detail}` };
    }
    const { status, body } = response;
    if (status >= 200 && status < 300) return { kind: 'parsed', robot: robotsParser(robotsUrl, body) };
    if (status >= 400 && status < 500 && status !== 429) return { kind: 'unavailable', detail: `HTTP ${status}` };
    return { kind: 'unreachable', detail: `HTTP ${status}` };
  }
}

export interface RobotsPolicyProps {
  /** Our full User-Agent; its product token is what rules are matched against. */
  userAgent: string;
  /**
   * Fetch robots.txt; resolve with any status (redirects already followed),
   * reject on a network error. `options` are those of the page fetch that
   * needed it (its signal). The HTTP fetcher's `fetchText` fits.
   */
  fetchText: (url: string, options: FetchOptions) => Promise<{ status: number; body: string }>;
  /** How long a fetched robots.txt (or a 4xx) is trusted. @default 86_400_000 (24 h) */
  maxAgeMs?: number;
  /** How long "unreachable → disallow all" is kept before trying again. @default 60_000 */
  unreachableMaxAgeMs?: number;
  /** Clock, injectable for tests. @default Date.now */
  now?: () => number;
}

export interface RobotsDecision {
  allowed: boolean;
  /** `rules`: robots.txt was parsed; `unavailable`: 4xx, all allowed; `unreachable`: 5xx/network, all disallowed. */
  reason: 'rules' | 'unavailable' | 'unreachable';
  robotsUrl: string;
  /** Matching line, or the status / error that decided. */
  detail: string;
  crawlDelayMs: number | null;
}

type Robot = ReturnType<typeof robotsParser>;

interface CacheEntry {
  expiresAt: number;
  rules: Promise<RobotsRules>;
}

type RobotsRules =
  | { kind: 'parsed'; robot: Robot }
  | { kind: 'unavailable'; detail: string }
  | { kind: 'unreachable'; detail: string };

function robotsUrlOf(target: URL): string {
  return `${target.origin}/robots.txt`;
}
