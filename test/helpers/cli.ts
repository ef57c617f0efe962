import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { ensureBuiltCli, OTCWATCH_BIN } from './built-cli.ts';
import { createTestDatabase } from './test-store.ts';

export interface CliResult {
  code: number;
  /** The signal that ended the process (e.g. `SIGKILL` from a crash test's failpoint), else null. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export type Cli = (...args: string[]) => Promise<CliResult>;

/** The same bin with extra environment variables, e.g. `{ OTCWATCH_FAILPOINT: 'after-close' }`. */
export type CliWithEnv = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) => Promise<CliResult>;

/** The same bin, sent SIGKILL `ms` after it starts if it is still running: a crash at a moment the test picks. */
export type CliKilledAfter = (ms: number, extraEnv: NodeJS.ProcessEnv, ...args: string[]) => Promise<CliResult>;

/**
 * Runs the real `otcwatch` bin (built from the sources as they are now) in
 * a child process against a store of its own: a temp data folder (PGlite),
 * or a fresh database when the suite runs on Postgres. Cleaned up after
 * the test. A command still running after `timeoutMs`
 * (default 300 s) is killed (`signal` says so).
 */
export async function cliRig(
  t: ExecutionContext,
  options: { timeoutMs?: number } = {},
): Promise<{ cli: Cli; cliWith: CliWithEnv; cliKilledAfter: CliKilledAfter; dataDir: string; env: NodeJS.ProcessEnv }> {
  await ensureBuiltCli();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, OTCWATCH_DATA: dataDir };
  delete env.DATABASE_URL;
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = database.url;
    t.teardown(() => database.drop());
  }
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const run = (extraEnv: NodeJS.ProcessEnv, args: string[], killAfterMs?: number) =>
    new Promise<CliResult>((resolve) => {
      const child = execFile(process.execPath, [OTCWATCH_BIN, ...args], { env: { ...env, ...extraEnv }, timeout: options.timeoutMs ?? 300_000 }, (error, stdout, stderr) => {
        clearTimeout(killer);
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const signal = (error as { signal?: NodeJS.Signals | null } | null)?.signal ?? null;
        resolve({ code, signal, stdout, stderr });
      });
      const killer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
  const cliKilledAfter: CliKilledAfter = (ms, extraEnv, ...args) => run(extraEnv, args, ms);
  const cliWith: CliWithEnv = (extraEnv, ...args) => run(extraEnv, args);
  const cli: Cli = (...args) => cliWith({}, ...args);
  return { cli, cliWith, cliKilledAfter, dataDir, env };
}

/**
 * The rows of a query run through the bin's read-only SQL console (`otcwatch sql … --json`), as a user would;
 * a refused or failing query throws with the console's message.
 *
 * @example
 * const [run] = await sqlRows<{ status: string }>(cli, 'select status from crawl_runs order by id desc limit 1');
 */
export async function sqlRows<T>(cli: Cli, query: string): Promise<T[]> {
  const result = await cli('sql', query, '--json');
  if (result.code !== 0) throw new Error(`sql failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T[];
}
