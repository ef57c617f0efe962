/**
 * Politeness across processes: before each request the limiter claims the
 * host's next start here, so every process crawling the host (on any
 * machine sharing the store) keeps the gap. The crawler only defines the
 * shape; the store implements it (store/host-slots.ts) on a per-host row.
 *
 * A claim is made when the request is about to go, never ahead of time, so
 * a process that runs late (a busy machine) cannot bring its request close
 * to the next process's: the gap is counted from starts that happened.
 *
 * @example
 * ```ts
 * const limiter = new HostLimiter({ slots: storeHostSlots(store.db) });
 * for (let wait = await slots.claim(host, 2000); wait > 0; wait = await slots.claim(host, 2000)) await clock.sleep(wait);
 * ```
 */
export interface HostSlots {
  /**
   * Claim the host's start for now, if at least `gapMs` — or the larger gap
   * another process declared there lately — has passed since the last
   * claimed start by anyone. Resolves with 0 when claimed (send now), else
   * with how many ms to wait before claiming again (on the store's clock,
   * so machines' clocks need not agree).
   */
  claim(host: string, gapMs: number, signal?: AbortSignal): Promise<number>;
}
