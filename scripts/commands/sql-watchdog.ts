import { Worker } from 'node:worker_threads';

/**
 * The embedded store cannot cancel a query it has started (PGlite has no
 * cancel request), and `statement_timeout` never fires there. This
 * watchdog runs in a thread of its own: when the statement outlives `timeoutMs` it prints
 * one line and ends the process (the statement was read-only, so the store
 * loses nothing; its lock goes stale and the next command takes it over).
 *
 * @example
 * const stop = startSqlWatchdog(30_000);
 * try { rows = await runSql(target, query); } finally { await stop(); }
 */
export function startSqlWatchdog(timeoutMs: number): () => Promise<void> {
  const line = `otcwatch: the statement ran longer than ${timeoutMs / 1000} s; the embedded store cannot cancel a query, so otcwatch stopped (nothing was changed); narrow it, or raise --timeout\n`;
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     setTimeout(() => { require('node:fs').writeSync(2, workerData.line); process.kill(workerData.pid, 'SIGKILL'); }, workerData.timeoutMs);`,
    { eval: true, workerData: { line, pid: process.pid, timeoutMs } },
  );
  worker.unref();
  return async () => {
    await worker.terminate();
  };
}
