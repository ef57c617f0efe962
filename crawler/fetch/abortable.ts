/**
 * `work`, or a rejection with `signal.reason` as soon as the signal aborts,
 * whichever comes first. For waits the caller cannot cancel at the source
 * (a shared robots.txt load, a place in a queue, a browser call): the
 * caller stops waiting at once, and the work's own outcome, when it comes,
 * is dropped without an unhandled rejection.
 *
 * @example
 * ```ts
 * const rules = await untilAborted(sharedLoad, options.signal);
 * ```
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => {});
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

