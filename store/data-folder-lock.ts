import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The lock holder, run in a worker thread: proper-lockfile takes the lock
 * with an atomic `mkdir` and keeps its mtime fresh. In a thread of its own
 * the heartbeat goes on while PGlite keeps the main thread busy with a long
 * query, so a busy owner never looks dead; a killed one (even `kill -9`)
 * stops beating and its lock goes stale.
 */
const HOLDER = `
(async () => {
const { parentPort, workerData } = await import('node:worker_threads');
const { default: lockfile } = await import(workerData.library);
const fs = await import('node:fs');
lockfile.lock(workerData.dir, {
  lockfilePath: workerData.lockPath, realpath: false, retries: 0,
  stale: workerData.staleMs, update: workerData.updateMs,
  onCompromised: (error) => parentPort.postMessage({ compromised: error.message }),
}).then((release) => {
  fs.writeFileSync(workerData.ownerPath, String(workerData.pid));
  parentPort.postMessage({ locked: true });
  parentPort.once('message', () => release().then(() => parentPort.postMessage({ released: true }), () => parentPort.postMessage({ released: true })));
}, (error) => parentPort.postMessage({ failed: error.code || error.message }));
})();
`;

export interface DataFolderLockOptions {
  /** A lock whose heartbeat is older than this is a dead owner's. Default 10,000 ms. */
  staleMs?: number;
}

/**
 * An exclusive lock on an embedded store's folder: PGlite is one process's
 * database, and a second process opening the same folder would corrupt it.
 * Held with proper-lockfile (`<dir>.lock.d`, a directory made atomically,
 * its mtime renewed every `staleMs / 5` from a worker thread). A live owner
 * (its pid, in `<dir>.lock.owner`, answers) is reported at once; a lock left
 * by a killed process is taken over once stale, by exactly one of the
 * processes that want it (the `mkdir` decides).
 *
 * @example
 * const release = await lockDataFolder('/data/pgdata');
 * // … use the store …
 * await release();
 */
export async function lockDataFolder(dir: string, options: DataFolderLockOptions = {}): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 10_000;
  const ownerPath = `${dir}.lock.owner`;
  const deadline = Date.now() + staleMs * 2;
  for (;;) {
    const holder = await tryLock({ dir, lockPath: `${dir}.lock.d`, ownerPath, staleMs });
    if (typeof holder === 'function') return holder;
    const owner = ownerPid(ownerPath);
    if (holder !== 'ELOCKED') throw new Error(`could not lock the embedded store in ${dir}: ${holder}`);
    if ((owner && owner !== process.pid && isAlive(owner)) || Date.now() > deadline) {
      throw new Error(
        `the embedded store in ${dir} is in use by process ${owner ?? '(unknown)'} (an "otcwatch run"?); ` +
          'stop it first, or use PostgreSQL (DATABASE_URL) to let several processes share a store',
      );
    }
    // The owner is gone but its lock is not stale yet: wait for its heartbeat to run out.
    await sleep(Math.min(500, staleMs / 4));
  }
}

async function tryLock(props: { dir: string; lockPath: string; ownerPath: string; staleMs: number }): Promise<(() => Promise<void>) | string> {
  const worker = new Worker(HOLDER, {
    eval: true,
    workerData: { ...props, updateMs: Math.max(1000, Math.floor(props.staleMs / 5)), pid: process.pid, library: pathToFileURL(createRequire(import.meta.url).resolve('proper-lockfile')).href },
  });
  const first = await new Promise<{ locked?: boolean; failed?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  if (!first.locked) {
    await worker.terminate();
    return first.failed ?? 'unknown error';
  }
  worker.on('message', (message: { compromised?: string }) => {
    if (!message.compromised) return;
    // Another process has the folder now; writing on would corrupt it.
    process.stderr.write(`otcwatch: lost the lock on the embedded store ${props.dir} (${message.compromised}); stopping\n`);
    process.exit(70);
  });
  worker.unref();
  // A process.exit() ends the worker before it can release: take the lock down on the way out, so the next command need not wait for it to go stale.
  const onExit = () => rmSync(props.lockPath, { recursive: true, force: true });
  process.once('exit', onExit);
  return async () => {
    process.off('exit', onExit);
    const released = new Promise((resolve) => worker.once('message', resolve));
    worker.ref();
    worker.postMessage('release');
    await released;
    await worker.terminate();
  };
}

function ownerPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
