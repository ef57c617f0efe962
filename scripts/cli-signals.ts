import { constants } from 'node:os';

/**
 * SIGINT and SIGTERM for a command that does one piece of work (`crawl`):
 * the first signal aborts `signal`, which reaches every wait and request of
 * the work, so it ends at once and stores what it has; if it has not ended
 * `graceMs` later, the process exits anyway. A second signal exits at once.
 * The exit status is then 128 + the signal's number (130, 143), as a shell
 * reports a command stopped by a signal.
 *
 * @example
 * const stop = stopOnSignals({ graceMs: 10_000, say: printError });
 * try { await runCrawlJob(store, services, id, { signal: stop.signal }); } finally { stop.dispose(); }
 * if (stop.received) process.exitCode = stop.exitCode;
 */
export function stopOnSignals(props: { graceMs: number; say: (line: string) => void }): SignalStop {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const exitCode = () => 128 + (received === null ? 0 : constants.signals[received]);
  const onSignal = (name: NodeJS.Signals) => {
    if (received !== null) {
      props.say(`${name} again: exiting now`);
      process.exit(exitCode());
    }
    received = name;
    props.say(`${name}: stopping; what was read is kept (exiting in at most ${props.graceMs / 1000} s)`);
    controller.abort(new Error(`stopped by ${name}`));
    setTimeout(() => {
      props.say(`work in flight did not end within ${props.graceMs / 1000} s of ${name}: exiting`);
      process.exit(exitCode());
    }, props.graceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return exitCode();
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export interface SignalStop {
  /** Aborted by the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** The signal that stopped the work, if one did. */
  readonly received: NodeJS.Signals | null;
  /** 128 + the received signal's number. */
  readonly exitCode: number;
  /** Stop listening (the handlers would otherwise keep the default exit from happening). */
  dispose(): void;
}
