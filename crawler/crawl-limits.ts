/** 24 h in ms, the longest gap or window that is still a crawl. */
const DAY_MS = 86_400_000;

/**
 * The sane range of every crawl setting a person can type: politeness, page
 * caps, timeouts. One table, read by every place a value can be set (CLI
 * flags, `sources set`, declarative source files, schedules, stored source
 * rows, the limiter itself), so a value refused in one is refused in all,
 * with the same one line. A typo such as `--min-gap-ms 99999999999999`
 * would otherwise be stored and make a crawl spin on timers forever.
 *
 * @example
 * ```ts
 * CRAWL_LIMITS.concurrency; // { min: 1, max: 64, note: '' }
 * limitProblem('concurrency', 1_000_000, '--concurrency');
 * // '--concurrency must be a whole number from 1 to 64, got 1000000'
 * ```
 */
export const CRAWL_LIMITS = {
  /** Minimum time between two requests to one host. */
  minGapMs: { min: 0, max: DAY_MS, note: ' (1 day)' },
  /** Requests in flight to one host. */
  concurrency: { min: 1, max: 64, note: '' },
  /** Window cap: requests per `intervalMs` (0 = no cap). */
  requestsPerInterval: { min: 0, max: 10_000, note: '' },
  /** Window length of the cap. */
  intervalMs: { min: 1, max: DAY_MS, note: ' (1 day)' },
  /** Times a transient page (busy envelope, captcha, cut short) is read again. */
  pageRetries: { min: 0, max: 10, note: '' },
  /** Wait before the first such retry (it doubles). */
  pageRetryDelayMs: { min: 0, max: 600_000, note: ' (10 minutes)' },
  /** Pages one crawl reads at most. */
  maxPages: { min: 1, max: 100_000, note: '' },
  /** One HTTP request, or one browser navigation or readiness wait. */
  timeoutMs: { min: 1, max: 600_000, note: ' (10 minutes)' },
  /** How long work in flight may go on after a stop signal, in seconds. */
  graceSeconds: { min: 0, max: 3600, note: ' (1 hour)' },
  /** How often the scheduler re-reads its schedules, in seconds. */
  pollSeconds: { min: 1, max: 86_400, note: ' (1 day)' },
} as const satisfies Record<string, CrawlLimit>;

/** The name of one bounded setting. */
export type CrawlLimitName = keyof typeof CRAWL_LIMITS;

/** A whole-number range, inclusive; `note` says the maximum in words. */
export interface CrawlLimit {
  min: number;
  max: number;
  note: string;
}

/**
 * The one-line problem with a value, or null when it is in range. `label`
 * is how the person set it (`--min-gap-ms`, `politeness.minGapMs`).
 *
 * @example
 * ```ts
 * limitProblem('minGapMs', 500); // null
 * limitProblem('minGapMs', 99999999999999, '--min-gap-ms');
 * // '--min-gap-ms must be a whole number from 0 to 86400000 (1 day), got 99999999999999'
 * ```
 */
export function limitProblem(name: CrawlLimitName, value: unknown, label: string = name): string | null {
  const { min, max, note } = CRAWL_LIMITS[name];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return null;
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${label} must be a whole number from ${min} to ${max}${note}, got ${shown}`;
}

/**
 * The value when it is in range; otherwise a `RangeError` of one line,
 * prefixed by where it was set.
 *
 * @example
 * ```ts
 * const maxPages = checkLimit('maxPages', Number(params.maxPages ?? 500), `source ${id}: params.maxPages`);
 * ```
 */
export function checkLimit(name: CrawlLimitName, value: unknown, label: string = name): number {
  const problem = limitProblem(name, value, label);
  if (problem !== null) throw new RangeError(problem);
  return value as number;
}

/**
 * Every problem of a (partial) politeness setting, one line each, in the
 * order of its fields; robots is a boolean and not bounded here.
 *
 * @example
 * ```ts
 * politenessProblems({ minGapMs: -1, concurrency: 2 }, 'source demo-api: politeness.');
 * // ['source demo-api: politeness.minGapMs must be a whole number from 0 to 86400000 (1 day), got -1']
 * ```
 */
export function politenessProblems(politeness: Partial<Record<PolitenessLimitName, unknown>>, prefix = ''): string[] {
  const problems: string[] = [];
  for (const name of POLITENESS_LIMITS) {
    const value = politeness[name];
    if (value === undefined) continue;
    const problem = limitProblem(name, value, `${prefix}${name}`);
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

/** The politeness fields that are numbers with a range. */
export type PolitenessLimitName = 'minGapMs' | 'concurrency' | 'requestsPerInterval' | 'intervalMs' | 'pageRetries' | 'pageRetryDelayMs';

const POLITENESS_LIMITS: readonly PolitenessLimitName[] = ['minGapMs', 'concurrency', 'requestsPerInterval', 'intervalMs', 'pageRetries', 'pageRetryDelayMs'];
