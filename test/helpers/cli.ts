import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { createTestDatabase } from './test-store.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Cli = (...args: string[]) => Promise<CliResult>;

const BIN = path.resolve(import.meta.dirname, '../../scripts/otcwatch.mjs');

/**
 * Runs the real `otcwatch` bin in a child process against a store of its
 * own: a temp data folder (PGlite), or a fresh database when the suite runs
 * on Postgres. Cleaned up after the test.
 */
export async function cliRig(t: ExecutionContext): Promise<{ cli: Cli; dataDir: string; env: NodeJS.ProcessEnv }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, OTCWATCH_DATA: dataDir };
  delete env.DATABASE_URL;
  if (process.env.DATABASE_URL) {
    const database = await createTestDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = database.url;
    t.teardown(() => database.drop());
  }
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const cli: Cli = (...args) =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  return { cli, dataDir, env };
}
