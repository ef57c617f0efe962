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

<<<<<<< HEAD
/** The same bin with extra environment variables, e.g. `{ OTCWATCH_FAILPOINT: 'after-close' }`. */
export type CliWithEnv = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) => Promise<CliResult>;

const BIN = path.resolve(import.meta.dirname, '../../scripts/otcwatch.mjs');

=======
>>>>>>> a78f7e9 (Start-up: the bin runs TypeScript compiled to dist/ (built by prepare/pretest), commands load only when they run, one query says whether the schema is current, the payment-method table and built-in sources are rewritten only when their hash moved, and read-only commands open the store READ ONLY so a SELECT-only role can run them; the application no longer imports UsageError or CLI formatting (scripts/text))
/**
 * Runs the real `otcwatch` bin (built from the sources as they are now) in
 * a child process against a store of its own: a temp data folder (PGlite),
 * or a fresh database when the suite runs on Postgres. Cleaned up after
 * the test.
 */
<<<<<<< HEAD
export async function cliRig(t: ExecutionContext): Promise<{ cli: Cli; cliWith: CliWithEnv; dataDir: string; env: NodeJS.ProcessEnv }> {
=======
export async function cliRig(t: ExecutionContext): Promise<{ cli: Cli; dataDir: string; env: NodeJS.ProcessEnv }> {
  await ensureBuiltCli();
>>>>>>> a78f7e9 (Start-up: the bin runs TypeScript compiled to dist/ (built by prepare/pretest), commands load only when they run, one query says whether the schema is current, the payment-method table and built-in sources are rewritten only when their hash moved, and read-only commands open the store READ ONLY so a SELECT-only role can run them; the application no longer imports UsageError or CLI formatting (scripts/text))
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, OTCWATCH_DATA: dataDir };
  delete env.DATABASE_URL;
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = database.url;
    t.teardown(() => database.drop());
  }
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const cliWith: CliWithEnv = (extraEnv, ...args) =>
    new Promise((resolve) => {
<<<<<<< HEAD
      execFile(process.execPath, [BIN, ...args], { env: { ...env, ...extraEnv }, timeout: 120_000 }, (error, stdout, stderr) => {
=======
      execFile(process.execPath, [OTCWATCH_BIN, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
>>>>>>> a78f7e9 (Start-up: the bin runs TypeScript compiled to dist/ (built by prepare/pretest), commands load only when they run, one query says whether the schema is current, the payment-method table and built-in sources are rewritten only when their hash moved, and read-only commands open the store READ ONLY so a SELECT-only role can run them; the application no longer imports UsageError or CLI formatting (scripts/text))
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const signal = (error as { signal?: NodeJS.Signals | null } | null)?.signal ?? null;
        resolve({ code, signal, stdout, stderr });
      });
    });
  const cli: Cli = (...args) => cliWith({}, ...args);
  return { cli, cliWith, dataDir, env };
}
