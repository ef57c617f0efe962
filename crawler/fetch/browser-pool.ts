import { EventEmitter } from 'node:events';
import PQueue from 'p-queue';
import type { Browser, BrowserContext, Page, Request, Route } from 'playwright-core';
import { launchBrowser } from './browser-launch.ts';
import { processTreeMemory } from './browser-memory.ts';
import { findBrowser } from './find-browser.ts';
import { DEFAULT_USER_AGENT } from './user-agent.ts';

/**
 * How long a page may sit idle with its last document before it is sent to
 * `about:blank`: long enough that a busy crawl hands pages straight to the
 * next task (blanking costs a navigation), short enough that an idle page's
 * scripts stop soon.
 */
export const IDLE_BLANK_MS = 1000;

/**
 * One headless browser shared by every browser source, with a bounded
 * number of pages. Each context key (the fetcher uses the origin, one per
 * source) gets one browser context, reused across its pages so cookies
 * carry over as in a person's browser and never leak between sites. A page
 * is reused too, up to `maxUsesPerPage` tasks (opening one costs more than
 * a navigation): the next task of its context navigates it onward, and a
 * page left idle for `IDLE_BLANK_MS` is sent to `about:blank`, so an idle
 * page never keeps its last document running (timers, polling the site).
 *
 * Every request the browser makes is routed: blocked resource types
 * (images, fonts, media by default) are aborted, and the rest go through
 * `gate`, which the fetcher uses to put them under the per-host limiter.
 *
 * Health: the browser is relaunched after `recycleAfterPages` pages or when
 * its process tree's memory passes `maxBrowserMemoryBytes` (new pages wait while
 * the old browser finishes its pages and closes, so there is only ever one),
 * and a browser that crashed or was killed is replaced on the next page.
 * Nothing launches until the first page is asked for.
 *
 * Events: `launch`, `context`, `page` (after every page), `memory` (each
 * measurement), `recycle`, `crash` — see `BrowserPoolEvents`.
 *
 * @example
 * ```ts
 * const pool = new BrowserPool({ maxPages: 2 });
 * pool.on('recycle', ({ reason, pages }) => console.log(`relaunching after ${pages} pages (${reason})`));
 * const title = await pool.withPage('https://example.com', async (page) => {
 *   await page.goto('https://example.com/');
 *   return page.title();
 * });
 * await pool.close();
 * ```
 */
export class BrowserPool extends EventEmitter<BrowserPoolEvents> {
  readonly #options: ResolvedOptions;
  readonly #slots: PQueue;
  #current: Instance | null = null;
  #launching: Promise<void> | null = null;
  #generation = 0;
  #closed = false;

  constructor(options: BrowserPoolOptions = {}) {
    super();
    this.#options = {
      executablePath: options.executablePath ?? findBrowser().path,
      maxPages: options.maxPages ?? 2,
      recycleAfterPages: options.recycleAfterPages ?? 200,
      maxUsesPerPage: options.maxUsesPerPage ?? 10,
      maxBrowserMemoryBytes: options.maxBrowserMemoryBytes ?? 2 ** 30,
      memoryCheckIntervalMs: options.memoryCheckIntervalMs ?? 2000,
      blocked: new Set(options.blockedResourceTypes ?? ['image', 'font', 'media']),
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      gate: options.gate ?? ((_request, send) => send()),
    };
    for (const name of ['maxPages', 'recycleAfterPages', 'maxUsesPerPage'] as const) {
      const value = this.#options[name];
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`BrowserPool: ${name} must be an integer ≥ 1, got ${value}`);
    }
    this.#slots = new PQueue({ concurrency: this.#options.maxPages });
  }

  /**
   * Run `task` with a page of the context `contextKey`, once one of the
   * `maxPages` slots is free. The page is the task's alone until it
   * settles; leave it as it is (the pool blanks or closes it).
   *
   * @example
   * ```ts
   * const html = await pool.withPage(new URL(url).origin, async (page) => {
   *   await page.goto(url);
   *   return page.content();
   * });
   * ```
   */
  withPage<T>(contextKey: string, task: (page: Page) => Promise<T>): Promise<T> {
    return this.#slots.add(() => this.#run(contextKey, task));
  }

  /**
   * Close the browser now; pages in flight fail, and later `withPage` calls
   * reject.
   *
   * @example
   * ```ts
   * try { await crawl(); } finally { await pool.close(); }
   * ```
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#launching?.catch(() => {});
    const current = this.#current;
    this.#current = null;
    if (current) await this.#retire(current, { drain: false });
  }

  async #run<T>(contextKey: string, task: (page: Page) => Promise<T>): Promise<T> {
    const instance = await this.#claim();
    let used: UsedPage | null = null;
    let ok = false;
    try {
      used = await this.#checkout(instance, contextKey);
      const result = await task(used.page);
      ok = true;
      return result;
    } finally {
      if (used) await this.#checkin(instance, contextKey, used, ok);
      instance.inFlight -= 1;
      if (instance.inFlight === 0) for (const resolve of instance.onDrained.splice(0)) resolve();
      this.emit('page', { pid: instance.pid, generation: instance.generation, contextKey, pages: instance.pages, ok });
      this.#checkMemory(instance);
    }
  }

  /**
   * A healthy browser with this page counted on it, launching or recycling
   * as needed. Counting happens in the same synchronous step as the checks,
   * so a browser never serves more than `recycleAfterPages` pages and is
   * never closed under a page that was just handed out.
   */
  async #claim(): Promise<Instance> {
    for (;;) {
      if (this.#closed) throw new Error('the browser pool is closed');
      const current = this.#current;
      if (current === null) {
        this.#launching ??= this.#launch().finally(() => {
          this.#launching = null;
        });
        await this.#launching;
        continue;
      }
      if (!current.retiring && !current.disconnected && current.pages >= this.#options.recycleAfterPages) {
        this.#recycle(current, 'pages', null);
      }
      if (current.retiring || current.disconnected) {
        await this.#retire(current, { drain: true });
        if (this.#current === current) this.#current = null;
        continue;
      }
      current.inFlight += 1;
      current.pages += 1;
      return current;
    }
  }

  async #launch(): Promise<void> {
    const started = performance.now();
    const { browser, pid } = await launchBrowser(this.#options.executablePath);
    const instance: Instance = {
      browser,
      pid,
      generation: (this.#generation += 1),
      pages: 0,
      inFlight: 0,
      onDrained: [],
      contexts: new Map(),
      idle: [],
      retiring: false,
      disconnected: false,
      closing: null,
      memoryCheckedAt: performance.now(),
    };
    browser.on('disconnected', () => {
      instance.disconnected = true;
      if (!instance.retiring) this.emit('crash', { pid: instance.pid, generation: instance.generation });
    });
    if (this.#closed) {
      await browser.close();
      return;
    }
    this.#current = instance;
    this.emit('launch', { pid: instance.pid, generation: instance.generation, ms: performance.now() - started });
  }

  /** An idle page of this context, or a new one (closing an idle page of another context if all slots' pages exist). */
  async #checkout(instance: Instance, contextKey: string): Promise<UsedPage> {
    const index = instance.idle.findIndex((entry) => entry.contextKey === contextKey);
    if (index >= 0) {
      const entry = instance.idle.splice(index, 1)[0]!;
      clearTimeout(entry.timer);
      await entry.blanking;
      if (!entry.page.isClosed()) return { page: entry.page, uses: entry.uses + 1 };
    }
    while (instance.idle.length + instance.inFlight > this.#options.maxPages) {
      const evicted = instance.idle.shift()!;
      clearTimeout(evicted.timer);
      await evicted.page.close().catch(() => {});
    }
    const context = await this.#context(instance, contextKey);
    return { page: await context.newPage(), uses: 1 };
  }

  async #checkin(instance: Instance, contextKey: string, { page, uses }: UsedPage, ok: boolean): Promise<void> {
    // A failed task may have left the page hung or half-loaded: never reuse it.
    const spent = uses >= this.#options.maxUsesPerPage;
    if (!ok || spent || instance.retiring || instance.disconnected || page.isClosed()) {
      await page.close().catch(() => {});
      return;
    }
    const entry: IdlePage = {
      contextKey,
      page,
      uses,
      blanking: null,
      timer: setTimeout(() => {
        // A failure here is the page's or browser's end; the next task on it fails and is retried.
        entry.blanking = page.goto('about:blank').then(() => {}, () => {});
      }, IDLE_BLANK_MS).unref(),
    };
    instance.idle.push(entry);
  }

  #context(instance: Instance, contextKey: string): Promise<BrowserContext> {
    let context = instance.contexts.get(contextKey);
    if (context === undefined) {
      context = this.#newContext(instance, contextKey);
      instance.contexts.set(contextKey, context);
      context.catch(() => instance.contexts.delete(contextKey));
    }
    return context;
  }

  async #newContext(instance: Instance, contextKey: string): Promise<BrowserContext> {
    const context = await instance.browser.newContext({
      userAgent: this.#options.userAgent,
      // A service worker would answer requests without passing the route below.
      serviceWorkers: 'block',
    });
    await context.route('**/*', (route, request) => this.#route(route, request, contextKey));
    this.emit('context', { generation: instance.generation, contextKey });
    return context;
  }

  async #route(route: Route, request: Request, contextKey: string): Promise<void> {
    let sent = false;
    try {
      if (this.#options.blocked.has(request.resourceType())) {
        await route.abort('blockedbyclient');
        return;
      }
      const gated: GatedRequest = { url: request.url(), resourceType: request.resourceType(), contextKey, page: pageOf(request) };
      await this.#options.gate(gated, async () => {
        sent = true;
        await route.continue();
        // Settle only when the exchange is over, so a gate holding a
        // per-host concurrency slot holds it while the request is in flight.
        const response = await request.response();
        await response?.finished();
      });
    } catch {
      // The page, context or browser closed while this request waited or
      // ran; there is nobody left to answer. A gate that failed before
      // sending must not leave the request hanging.
      if (!sent) await route.abort('failed').catch(() => {});
    }
  }

  /** Measure the browser's process tree at most once per `memoryCheckIntervalMs`; recycle past the bound. */
  #checkMemory(instance: Instance): void {
    const now = performance.now();
    if (instance.pid === null || instance.retiring || instance.disconnected) return;
    if (now - instance.memoryCheckedAt < this.#options.memoryCheckIntervalMs) return;
    instance.memoryCheckedAt = now;
    const memoryBytes = processTreeMemory(instance.pid, 'pss');
    if (memoryBytes === null) return;
    this.emit('memory', { pid: instance.pid, generation: instance.generation, memoryBytes });
    if (memoryBytes > this.#options.maxBrowserMemoryBytes) this.#recycle(instance, 'memory', memoryBytes);
  }

  /** Start closing the browser once its pages in flight are done; the next page launches a new one. */
  #recycle(instance: Instance, reason: RecycleReason, memoryBytes: number | null): void {
    this.emit('recycle', { pid: instance.pid, generation: instance.generation, reason, pages: instance.pages, memoryBytes });
    void this.#retire(instance, { drain: true });
  }

  /** Close a browser, once: after its pages in flight finish (`drain`), or at once. */
  #retire(instance: Instance, options: { drain: boolean }): Promise<void> {
    instance.retiring = true;
    instance.closing ??= (async () => {
      if (options.drain && instance.inFlight > 0) {
        await new Promise<void>((resolve) => instance.onDrained.push(resolve));
      }
      for (const entry of instance.idle.splice(0)) clearTimeout(entry.timer);
      await instance.browser.close().catch(() => {});
    })();
    return instance.closing;
  }
}

export interface BrowserPoolOptions {
  /** Chromium or Chrome to launch. @default findBrowser().path (find-browser.ts) */
  executablePath?: string;
  /** Pages open, and tasks running, at once. @default 2 */
  maxPages?: number;
  /** Relaunch the browser after it has served this many pages. @default 200 */
  recycleAfterPages?: number;
  /**
   * Close a page after this many tasks. Reusing a page saves opening one,
   * but its renderer process grows with every navigation (about 1.4 MB each
   * here: 375 → 664 MiB PSS over 200 navigations of 4 reused pages), while a
   * new page gets a fresh renderer. @default 10
   */
  maxUsesPerPage?: number;
  /** Relaunch when the browser's process tree PSS passes this (Linux only: see browser-memory.ts). @default 1 GiB */
  maxBrowserMemoryBytes?: number;
  /** Least time between two memory measurements, taken after a page. @default 2000 */
  memoryCheckIntervalMs?: number;
  /** Request types (Playwright's `request.resourceType()`) aborted before they leave the browser. @default ['image', 'font', 'media'] */
  blockedResourceTypes?: readonly string[];
  /** The User-Agent of every request, matched against robots.txt. @default DEFAULT_USER_AGENT */
  userAgent?: string;
  /** Every request that is not blocked is sent through here. @default sends at once */
  gate?: RequestGate;
}

/**
 * Decides when a browser request goes out: call `send` when it may, and
 * settle with it; `send` resolves when the response has ended (or failed).
 *
 * @example
 * ```ts
 * const gate: RequestGate = (request, send) => limiter.schedule(request.url, send);
 * ```
 */
export type RequestGate = (request: GatedRequest, send: () => Promise<void>) => Promise<void>;

export interface GatedRequest {
  url: string;
  /** `document`, `stylesheet`, `script`, `fetch`, `xhr`, ... */
  resourceType: string;
  /** The context (the fetcher's origin) whose page made it. */
  contextKey: string;
  /** The page that made it; none for a service worker's requests. */
  page: Page | undefined;
}

function pageOf(request: Request): Page | undefined {
  try {
    return request.frame().page();
  } catch {
    // Service workers' requests have no frame.
    return undefined;
  }
}

export type RecycleReason = 'pages' | 'memory';

/** `pid` is the browser's process id, null if Chromium would not tell; `generation` counts launches from 1. */
export type BrowserPoolEvents = {
  launch: [{ pid: number | null; generation: number; ms: number }];
  context: [{ generation: number; contextKey: string }];
  /** After every page: `pages` served by this browser so far, `ok` whether the task succeeded. */
  page: [{ pid: number | null; generation: number; contextKey: string; pages: number; ok: boolean }];
  /** A measurement of the browser's process tree: PSS in bytes (browser-memory.ts). */
  memory: [{ pid: number; generation: number; memoryBytes: number }];
  recycle: [{ pid: number | null; generation: number; reason: RecycleReason; pages: number; memoryBytes: number | null }];
  /** The browser went away without being asked (crash, OOM kill, `kill -9`). */
  crash: [{ pid: number | null; generation: number }];
};

interface ResolvedOptions {
  executablePath: string;
  maxPages: number;
  recycleAfterPages: number;
  maxUsesPerPage: number;
  maxBrowserMemoryBytes: number;
  memoryCheckIntervalMs: number;
  blocked: ReadonlySet<string>;
  userAgent: string;
  gate: RequestGate;
}

/** A page and how many tasks it has served, counting the current one. */
interface UsedPage {
  page: Page;
  uses: number;
}

/** A page between tasks; `blanking` is its navigation to `about:blank` once it has idled `IDLE_BLANK_MS`. */
interface IdlePage extends UsedPage {
  contextKey: string;
  timer: NodeJS.Timeout;
  blanking: Promise<void> | null;
}

interface Instance {
  browser: Browser;
  pid: number | null;
  generation: number;
  /** Pages handed out on this browser. */
  pages: number;
  inFlight: number;
  onDrained: (() => void)[];
  contexts: Map<string, Promise<BrowserContext>>;
  idle: IdlePage[];
  /** Asked to close (recycle or pool close); a disconnect is then expected. */
  retiring: boolean;
  disconnected: boolean;
  closing: Promise<void> | null;
  memoryCheckedAt: number;
}
