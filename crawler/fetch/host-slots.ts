/**
 * Politeness across processes: the limiter asks this, once per request,
 * for the next start on a host, so every process crawling the host (on any
 * machine sharing the store) keeps the gap. The crawler only defines the
 * shape; the store implements it (store/host-slots.ts) on a per-host row.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter({ slots: storeHostSlots(store.db) });
 * const { waitMs } = await slots.reserve('desk.example', 2000, signal); // sleep waitMs, then send
 * ```
 */
export interface HostSlots {
  /**
   * Reserve the next request start on `host`: at least `gapMs` after the
   * host's last reserved start by anyone, and also at least the gap a
   * stricter process declared there lately. Resolves with the reserved
   * start and how long to wait for it (on the store's clock, so machines'
   * clocks need not agree).
   */
  reserve(host: string, gapMs: number, signal?: AbortSignal): Promise<HostSlot>;
}

/** A reserved start: when, and how long from now. */
export interface HostSlot {
  at: Date;
  waitMs: number;
}
