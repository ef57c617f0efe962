import type { Clock } from '../../crawler/fetch/clock.ts';

/**
 * A clock whose time moves only when everyone is asleep: each `sleep`
 * registers a wake-up, and once the event loop has run everything else
 * (setImmediate), time jumps to the earliest wake-up and that sleeper
 * resumes. Timing logic (gaps, windows, backoff) is then checked exactly
 * and without waiting. `slept` lists every requested sleep, in ms.
 *
 * @example
 * const clock = virtualClock();
 * const limiter = new HostLimiter({ clock, defaults: { minGapMs: 5000 } });
 */
export function virtualClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start;
  const sleepers: { wakeAt: number; order: number; wake: () => void }[] = [];
  let order = 0;
  let ticking = false;
  const tick = () => {
    ticking = false;
    sleepers.sort((a, b) => a.wakeAt - b.wakeAt || a.order - b.order);
    const next = sleepers.shift();
    if (next === undefined) return;
    now = Math.max(now, next.wakeAt);
    next.wake();
    schedule();
  };
  const schedule = () => {
    if (ticking || sleepers.length === 0) return;
    ticking = true;
    setImmediate(tick);
  };
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        slept.push(ms);
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = {
          wakeAt: now + ms,
          order: order++,
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        sleepers.push(sleeper);
        schedule();
      }),
  };
}
