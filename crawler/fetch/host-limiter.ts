import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import type { PolitenessConfig } from '../source-adapter.ts';

/** The limiter's share of `PolitenessConfig` (robots is the fetcher's business). */
export type HostPoliteness = Omit<PolitenessConfig, 'respectRobots'>;

/**
 * Defaults for a host nobody configured: one request at a time, at least a
 * second apart, no extra window cap.
 */
export const DEFAULT_HOST_POLITENESS: Readonly<HostPoliteness> = Object.freeze({
  /** One request in flight per host: the politest choice and enough for a crawl. */
  concurrency: 1,
  /** At least 1 s between two request starts, the common "Crawl-delay: 1". */
  minGapMs: 1000,
  /** 0 = no window cap; the min gap already bounds the rate. */
  requestsPerInterval: 0,
  /** Window length for `requestsPerInterval`. */
  intervalMs: 1000,
});

/**
 * Per-host politeness shared by every fetcher (HTTP and browser), so one
 * host's limit holds whichever way its pages are read. Each host (`URL.host`,
 * i.e. host:port) gets its own p-queue for concurrency and the window cap,
 * plus an exact minimum gap between consecutive task starts, which p-queue's
 * fixed windows alone cannot promise (they allow a burst at a window edge).
 *
 * Events: `'start'` just before a task runs (after its wait), `'end'` when it
 * settles; both `{ host, at }` with `at` in epoch ms.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter({ defaults: { minGapMs: 500 } });
 * limiter.configure('api.example.com', { concurrency: 2, requestsPerInterval: 10, intervalMs: 60_000 });
 * limiter.on('start', ({ host, at }) => console.log(host, at));
 * const res = await limiter.schedule('https://api.example.com/ads', () => fetch('https://api.example.com/ads'));
 * await limiter.onIdle();
 * ```
 */
export class HostLimiter extends EventEmitter<HostLimiterEvents> {
  readonly #defaults: HostPoliteness;
  readonly #hosts = new Map<string, HostState>();
  readonly #overrides = new Map<string, Partial<HostPoliteness>>();

  constructor(options: HostLimiterOptions = {}) {
    super();
    this.#defaults = { ...DEFAULT_HOST_POLITENESS, ...definedOnly(options.defaults ?? {}) };
    validate(this.#defaults, 'defaults');
  }

  /**
   * Set politeness for one host (`host` or `host:port`, as in `URL.host`).
   * Concurrency and the min gap apply at once, even to a busy host; a new
   * window cap applies exactly at once too (see `#reserveStart`), and the
   * host's p-queue is rebuilt with it the next time the host is idle.
   *
   * @example
   * ```ts
   * limiter.configure('127.0.0.1:3000', { minGapMs: 50 });
   * ```
   */
  configure(host: string, politeness: Partial<PolitenessConfig>): void {
    const { respectRobots: _ignored, ...rest } = politeness;
    const merged = { ...this.#overrides.get(host), ...definedOnly(rest) };
    validate({ ...this.#defaults, ...merged }, host);
    this.#overrides.set(host, merged);
    const state = this.#hosts.get(host);
    if (state === undefined) return;
    state.queue.concurrency = this.politeness(host).concurrency;
  }

  /**
   * The politeness in force for a host: defaults merged with `configure`.
   *
   * @example
   * ```ts
   * if (crawlDelayMs > limiter.politeness(host).minGapMs) limiter.configure(host, { minGapMs: crawlDelayMs });
   * ```
   */
  politeness(host: string): HostPoliteness {
    return { ...this.#defaults, ...this.#overrides.get(host) };
  }

  /**
   * Run `task` when the host of `url` allows it; resolves or rejects with the
   * task's own result. The task's whole run (including reading a response
   * body) holds one of the host's concurrency slots.
   *
   * @example
   * ```ts
   * const text = await limiter.schedule(url, async () => (await fetch(url)).text());
   * ```
   */
  schedule<T>(url: string | URL, task: () => Promise<T>): Promise<T> {
    let host: string;
    try {
      host = (typeof url === 'string' ? new URL(url) : url).host;
    } catch (error) {
      return Promise.reject(error);
    }
    const state = this.#state(host);
    return state.queue.add(async () => {
      await this.#waitForStart(host, state);
      this.emit('start', { host, at: epochNow() });
      try {
        return await task();
      } finally {
        this.emit('end', { host, at: epochNow() });
      }
    });
  }

  /**
   * Resolves when every host's queue is empty and nothing is running,
   * including tasks added while waiting.
   *
   * @example
   * ```ts
   * urls.forEach((u) => void limiter.schedule(u, () => fetch(u)));
   * await limiter.onIdle();
   * ```
   */
  async onIdle(): Promise<void> {
    for (;;) {
      const busy = [...this.#hosts.values()].filter((s) => s.queue.size > 0 || s.queue.pending > 0);
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.queue.onIdle()));
    }
  }

  #state(host: string): HostState {
    const p = this.politeness(host);
    let state = this.#hosts.get(host);
    if (state === undefined) {
      state = { queue: newQueue(p), window: windowOf(p), nextStartAt: 0, lastStartAt: -Infinity, starts: [] };
      this.#hosts.set(host, state);
    } else if (state.window !== windowOf(p) && state.queue.size === 0 && state.queue.pending === 0) {
      // p-queue cannot change its window in place; swap the idle queue but
      // keep the timing state so the gap to the last start still holds.
      state.queue = newQueue(p);
      state.window = windowOf(p);
    }
    return state;
  }

  /**
   * Sleep until this task may start. A synchronous claim spaces concurrent
   * waiters by the min gap; on waking, the task re-checks the gap and the
   * window cap against *actual* starts (timers fire early or late, and
   * p-queue's window counts dequeues, which precede this wait) and only
   * then records its own start — atomically, as JS runs one task at a time.
   */
  async #waitForStart(host: string, state: HostState): Promise<void> {
    let at = Math.max(performance.now(), state.nextStartAt);
    state.nextStartAt = at + this.politeness(host).minGapMs;
    for (;;) {
      const now = performance.now();
      if (now >= at) {
        const earliest = this.#earliestStart(host, state);
        if (now >= earliest) {
          const p = this.politeness(host);
          state.lastStartAt = now;
          state.nextStartAt = Math.max(state.nextStartAt, now + p.minGapMs);
          if (p.requestsPerInterval > 0) {
            state.starts.push(now);
            state.starts.splice(0, Math.max(0, state.starts.length - p.requestsPerInterval));
          }
          return;
        }
        at = earliest;
      }
      await sleep(Math.max(1, Math.ceil(at - now)));
    }
  }

  /** Earliest start allowed by the last actual start and the window cap. */
  #earliestStart(host: string, state: HostState): number {
    const p = this.politeness(host);
    let earliest = state.lastStartAt + p.minGapMs;
    if (p.requestsPerInterval > 0 && state.starts.length >= p.requestsPerInterval) {
      const oldest = state.starts[state.starts.length - p.requestsPerInterval] ?? -Infinity;
      earliest = Math.max(earliest, oldest + p.intervalMs);
    }
    return earliest;
  }
}

export interface HostLimiterOptions {
  /** Politeness for hosts not given to `configure`; unset fields take `DEFAULT_HOST_POLITENESS`. */
  defaults?: Partial<PolitenessConfig>;
}

/** Payload of `'start'` and `'end'`: which host, and when (epoch ms). */
export interface HostEvent {
  host: string;
  at: number;
}

export type HostLimiterEvents = {
  start: [HostEvent];
  end: [HostEvent];
};

interface HostState {
  queue: PQueue;
  /** The window settings the queue was built with, to notice a change. */
  window: string;
  /** Where the next waiter's claim begins (last claim + min gap), `performance.now()` ms. */
  nextStartAt: number;
  /** When the last task actually started, `performance.now()` ms. */
  lastStartAt: number;
  /** The last `requestsPerInterval` actual starts, `performance.now()` ms. */
  starts: number[];
}

/** Epoch ms with sub-ms precision, so tests can compare gaps exactly. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function newQueue(p: HostPoliteness): PQueue {
  return new PQueue({
    concurrency: p.concurrency,
    // Sliding window ("strict"): p-queue's fixed windows let 2x the cap
    // through around a window edge.
    ...(p.requestsPerInterval > 0
      ? { intervalCap: p.requestsPerInterval, interval: p.intervalMs, strict: true }
      : {}),
  });
}

function windowOf(p: HostPoliteness): string {
  return p.requestsPerInterval > 0 ? `${p.requestsPerInterval}/${p.intervalMs}` : 'none';
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(p: HostPoliteness, where: string): void {
  const bad = (field: string, rule: string) =>
    new RangeError(`HostLimiter politeness for ${where}: ${field} must be ${rule}`);
  if (!Number.isInteger(p.concurrency) || p.concurrency < 1) throw bad('concurrency', 'an integer ≥ 1');
  if (!(p.minGapMs >= 0)) throw bad('minGapMs', '≥ 0');
  if (!Number.isInteger(p.requestsPerInterval) || p.requestsPerInterval < 0) {
    throw bad('requestsPerInterval', 'an integer ≥ 0 (0 = no window cap)');
  }
  if (p.requestsPerInterval > 0 && !(p.intervalMs > 0 && Number.isFinite(p.intervalMs))) {
    throw bad('intervalMs', 'a finite number > 0 when requestsPerInterval is set');
  }
}
