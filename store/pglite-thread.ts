import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results } from '@electric-sql/pglite';

/**
 * The part of PGlite's API that otcwatch uses: what Kysely's PGlite dialect
 * calls (`query`, `close`) and what the SQL console calls (`query` with
 * `rowMode`, `exec`).
 */
export interface PgliteEngine {
  query<T>(statement: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(statement: string): Promise<Array<Results>>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/*
 * The thread's whole program. PGlite runs each query synchronously in its
 * WebAssembly build, so on the process's own thread a write blocks
 * fetching, parsing and every timer for as long as it runs; in a thread of
 * its own it overlaps them (a crawl stores on one core while it fetches
 * and parses on the other). PGlite queues concurrent queries itself.
 * Plain JavaScript that runs as a script or a module alike, and is started
 * without the parent's flags (a TypeScript loader, `--input-type`).
 */
const THREAD = `
const plain = (error) => ({ ...error, message: String(error?.message ?? error), name: error?.name ?? 'Error' });
(async () => {
  const { parentPort, workerData } = await import('node:worker_threads');
  let engine;
  try {
    const { PGlite } = await import(workerData.moduleUrl);
    engine = await PGlite.create(workerData.dir, workerData.loadDataDir ? { loadDataDir: workerData.loadDataDir } : {});
  } catch (error) {
    parentPort.postMessage({ id: 0, error: plain(error) });
    return;
  }
  parentPort.postMessage({ id: 0 });
  parentPort.on('message', ({ id, kind, statement, params, options }) => {
    const work = kind === 'exec' ? engine.exec(statement) : kind === 'close' ? engine.close() : engine.query(statement, params, options);
    work.then(
      (result) => parentPort.postMessage({ id, result }),
      (error) => parentPort.postMessage({ id, error: plain(error) }),
    );
  });
})();
`;

interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string; name: string } & Record<string, unknown>;
}

/**
 * Opens PGlite on `dir` in a worker thread and answers its queries there.
 * Values cross by structured clone, so rows come back as PGlite parsed
 * them (Dates, numbers, JSON), and a database error keeps its fields
 * (`code`, `detail`, `constraint`, …).
 *
 * @example
 * const engine = await openPgliteThread('./.otcwatch/pgdata');
 * const { rows } = await engine.query('select 1 as one');
 * await engine.close();
 */
export async function openPgliteThread(dir: string, options: { loadDataDir?: Blob | undefined } = {}): Promise<PgliteEngine> {
  const worker = new Worker(THREAD, {
    eval: true,
    execArgv: [],
    workerData: { moduleUrl: import.meta.resolve('@electric-sql/pglite'), dir, loadDataDir: options.loadDataDir },
  });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let closed = false;
  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', ({ id, result, error }: Reply) => {
    const caller = waiting.get(id);
    if (!caller) return;
    waiting.delete(id);
    if (error) caller.reject(Object.assign(new Error(error.message), error));
    else caller.resolve(result);
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => failAll(new Error(`the embedded store's thread exited (code ${code})`)));

  const call = (message: { kind: 'query' | 'exec' | 'close'; statement?: string; params?: unknown[]; options?: QueryOptions }) =>
    new Promise<unknown>((resolve, reject) => {
      if (closed && message.kind !== 'close') return reject(new Error('the embedded store is closed'));
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });

  try {
    await new Promise<unknown>((resolve, reject) => waiting.set(0, { resolve, reject }));
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return {
    query: <T>(statement: string, params: unknown[] = [], queryOptions?: QueryOptions) =>
      call({ kind: 'query', statement, params, ...(queryOptions ? { options: queryOptions } : {}) }) as Promise<Results<T>>,
    exec: (statement: string) => call({ kind: 'exec', statement }) as Promise<Array<Results>>,
    async close() {
      if (closed) return;
      closed = true;
      await call({ kind: 'close' });
      await worker.terminate();
    },
    get closed() {
      return closed;
    },
  };
}
