import { EventEmitter } from 'node:events';
import PQueue from 'p-queue';
import { politenessProblems } from '../crawl-limits.ts';
import type { PolitenessConfig } from '../source-adapter.ts';
import { untilAborted } from './abortable.ts';
import { systemClock, type Clock } from './clock.ts';
import type { HostSlots } from './host-slots.ts';

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
 * i.e. host:port) gets its own p-queue for concurrency, plus an exact
 * minimum gap between consecutive task starts and sliding window caps,
 * checked against actual starts.
 *
 * Several sources may share a host, each configuring it (`configure(host,
 * politeness, sourceId)`): the host's limit is the strictest of them — the
 * largest gap, the smallest concurrency, and every window cap at once — so
 * a source with `minGapMs: 0` cannot undo a sibling's 5000 ms.
 *
 * Events: `'start'` just before a task runs (after its wait), `'end'` when it
 * settles; both `{ host, at }` with `at` in epoch ms on the limiter's clock.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter({ defaults: { minGapMs: 500 } });
 * limiter.configure('api.example.com', { concurrency: 2, requestsPerInterval: 10, intervalMs: 60_000 }, 'source-a');
 * limiter.configure('api.example.com', { minGapMs: 2000 }, 'source-b'); // now 2 in flight, ≥ 2 s apart, ≤ 10 a minute
 * limiter.on('start', ({ host, at }) => console.log(host, at));
 * const res = await limiter.schedule('https://api.example.com/ads', () => fetch('https://api.example.com/ads'), { signal });
 * await limiter.onIdle();
 * ```
 */
export class HostLimiter extends EventEmitter<HostLimiterEvents> {
  readonly #defaults: HostPoliteness;
  readonly #clock: Clock;
  readonly #slots: HostSlots | null;
  readonly #hosts = new Map<string, HostState>();
  /** Per host, what each configurer (a source, robots.txt) asked for. */
  readonly #settings = new Map<string, Map<string, Partial<HostPoliteness>>>();

  constructor(options: HostLimiterOptions = {}) {
    super();
    this.#defaults = { ...DEFAULT_HOST_POLITENESS, ...definedOnly(withoutRobots(options.defaults ?? {})) };
    this.#clock = options.clock ?? systemClock;
    this.#slots = options.slots ?? null;
    refuseProblems(this.#defaults, 'defaults');
  }

  /**
   * Set the politeness one configurer (`by`: a source id, `robots.txt`)
   * asks of a host (`host` or `host:port`, as in `URL.host`). A second call
   * with the same `by` replaces the fields it names; the host then runs at
   * the strictest of all its configurers (see the class). Values out of
   * range (crawl-limits.ts) are refused with a `RangeError`. Changes apply
   * from the next start, even on a busy host.
   *
   * @example
   * ```ts
   * limiter.configure('127.0.0.1:3000', { minGapMs: 50 }, 'demo-api');
   * ```
   */
  configure(host: string, politeness: Partial<PolitenessConfig>, by = 'default'): void {
    const own = definedOnly(withoutRobots(politeness));
    refuseProblems(own, host);
    let settings = this.#settings.get(host);
    if (settings === undefined) {
      settings = new Map();
      this.#settings.set(host, settings);
    }
    settings.set(by, { ...settings.get(by), ...own });
    const state = this.#hosts.get(host);
    if (state !== undefined) state.queue.concurrency = this.politeness(host).concurrency;
  }

  /**
   * The politeness in force for a host: the strictest of its configurers,
   * defaults for what none of them set. Of several window caps, the one
   * with the lowest rate is reported; all of them are enforced.
   *
   * @example
   * ```ts
   * if (crawlDelayMs > limiter.politeness(host).minGapMs) limiter.configure(host, { minGapMs: crawlDelayMs }, 'robots.txt');
   * ```
   */
  politeness(host: string): HostPoliteness {
    const all = [...(this.#settings.get(host)?.values() ?? [])];
    const gaps = all.flatMap((s) => (s.minGapMs === undefined ? [] : [s.minGapMs]));
    const concurrencies = all.flatMap((s) => (s.concurrency === undefined ? [] : [s.concurrency]));
    const [window] = this.#windows(host).sort((a, b) => a.count / a.intervalMs - b.count / b.intervalMs);
    return {
      minGapMs: gaps.length > 0 ? Math.max(...gaps) : this.#defaults.minGapMs,
      concurrency: concurrencies.length > 0 ? Math.min(...concurrencies) : this.#defaults.concurrency,
      requestsPerInterval: window?.count ?? 0,
      intervalMs: window?.intervalMs ?? this.#defaults.intervalMs,
    };
  }

  /**
   * Run `task` when the host of `url` allows it; resolves or rejects with the
   * task's own result. The task's whole run (including reading a response
   * body) holds one of the host's concurrency slots. When `signal` aborts
   * while the task waits (for a slot, the gap or a window), the call
   * rejects at once with `signal.reason` and the task never runs.
   *
   * @example
   * ```ts
   * const text = await limiter.schedule(url, async () => (await fetch(url, { signal })).text(), { signal });
   * ```
   */
  schedule<T>(url: string | URL, task: () => Promise<T>, options: { signal?: AbortSignal | undefined } = {}): Promise<T> {
    let host: string;
    try {
      host = (typeof url === 'string' ? new URL(url) : url).host;
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = options;
    const state = this.#state(host);
    // The queue is not given the signal: p-queue would free the slot of a
    // running task on abort, before the task has really stopped. An aborted
    // waiter leaves the queue as soon as it reaches the front.
    const run = state.queue.add(async () => {
      signal?.throwIfAborted();
      const at = await this.#waitForStart(host, state, signal);
      this.emit('start', { host, at });
      try {
        return await task();
      } finally {
        this.emit('end', { host, at: this.#clock.now() });
      }
    }) as Promise<T>;
    return untilAborted(run, signal);
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
    let state = this.#hosts.get(host);
    if (state === undefined) {
      state = { queue: new PQueue({ concurrency: this.politeness(host).concurrency }), nextStartAt: 0, lastStartAt: -Infinity, starts: [] };
      this.#hosts.set(host, state);
    }
    return state;
  }

  /** Every window cap asked of a host (defaults' when no configurer set one). */
  #windows(host: string): Window[] {
    const all = [...(this.#settings.get(host)?.values() ?? [])];
    const asked = all.some((s) => s.requestsPerInterval !== undefined) ? all : [this.#defaults];
    return asked.flatMap((s) =>
      s.requestsPerInterval ? [{ count: s.requestsPerInterval, intervalMs: s.intervalMs ?? this.#defaults.intervalMs }] : [],
    );
  }

  /**
   * Sleep until this task may start. A synchronous claim spaces concurrent
   * waiters by the min gap; on waking, the task re-checks the gap and the
   * window caps against *actual* starts (timers fire early or late) and
   * only then records its own start — atomically, as JS runs one task at a
   * time. Resolves with the start recorded, which the `'start'` event
   * reports.
   */
  async #waitForStart(host: string, state: HostState, signal: AbortSignal | undefined): Promise<number> {
    const clock = this.#clock;
    let at = Math.max(clock.now(), state.nextStartAt);
    state.nextStartAt = at + this.politeness(host).minGapMs;
    for (;;) {
      const now = clock.now();
      if (now >= at) {
        const earliest = this.#earliestStart(host, state);
        if (now >= earliest) {
          this.#recordStart(host, state, now);
          return this.#slots === null ? now : this.#claimSlot(host, signal);
        }
        at = earliest;
      }
      await clock.sleep(Math.max(1, Math.ceil(at - now)), signal);
    }
  }

  /**
   * After the local wait, the host's turn across processes (host-slots.ts):
   * claim the start in the store, sleeping as long as it says between
   * tries. The local start was recorded first, so this process's waiters
   * keep their spacing meanwhile; the start reported is the claimed one.
   */
  async #claimSlot(host: string, signal: AbortSignal | undefined): Promise<number> {
    for (;;) {
      const waitMs = await this.#slots!.claim(host, this.politeness(host).minGapMs, signal);
      if (waitMs === 0) return this.#clock.now();
      await this.#clock.sleep(waitMs, signal);
    }
  }

  #recordStart(host: string, state: HostState, now: number): void {
    const keep = Math.max(0, ...this.#windows(host).map((w) => w.count));
    state.lastStartAt = now;
    state.nextStartAt = Math.max(state.nextStartAt, now + this.politeness(host).minGapMs);
    if (keep > 0) {
      state.starts.push(now);
      state.starts.splice(0, Math.max(0, state.starts.length - keep));
    }
  }

  /** Earliest start allowed by the last actual start and every window cap. */
  #earliestStart(host: string, state: HostState): number {
    let earliest = state.lastStartAt + this.politeness(host).minGapMs;
    for (const { count, intervalMs } of this.#windows(host)) {
      if (state.starts.length < count) continue;
      const oldest = state.starts[state.starts.length - count] ?? -Infinity;
      earliest = Math.max(earliest, oldest + intervalMs);
    }
    return earliest;
  }
}

export interface HostLimiterOptions {
  /** Politeness for what no configurer of a host set; unset fields take `DEFAULT_HOST_POLITENESS`. */
  defaults?: Partial<PolitenessConfig>;
  /** Time for gaps and windows; a test hands in a virtual one. @default systemClock */
  clock?: Clock;
  /** Holds each host's gap across processes too (store/host-slots.ts); none: this process only. */
  slots?: HostSlots;
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
  /** Where the next waiter's claim begins (last claim + min gap), clock ms. */
  nextStartAt: number;
  /** When the last task actually started, clock ms. */
  lastStartAt: number;
  /** The last actual starts (as many as the largest window cap), clock ms. */
  starts: number[];
}

/** A window cap: at most `count` starts in any `intervalMs`. */
interface Window {
  count: number;
  intervalMs: number;
}

function withoutRobots(politeness: Partial<PolitenessConfig>): Partial<HostPoliteness> {
  const { respectRobots: _robots, ...rest } = politeness;
  return rest;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function refuseProblems(p: Partial<HostPoliteness>, where: string): void {
  const [first] = politenessProblems(p, `HostLimiter politeness for ${where}: `);
  if (first !== undefined) throw new RangeError(first);
}
