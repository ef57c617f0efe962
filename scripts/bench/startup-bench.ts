import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { median } from './median.ts';
import { scratchDatabase } from './scratch-database.ts';
import { repoPath } from './repo-path.ts';

const BIN = repoPath('scripts/otcwatch.mjs');
const REPEATS = 10;
const execNode = promisify(execFile);

/**
 * How long a command takes from `node` starting to the process ending, as a
 * person at a terminal waits for it: `otcwatch --help`, and `otcwatch runs`
 * on an embedded PGlite store and (with `DATABASE_URL`) on a scratch
 * database of that Postgres server, each migrated once beforehand. Runs the
 * built bin (dist/, as `npm ci` leaves it); `node -e 1` is the floor.
 * Prints the median of 10 of each after one warm-up.
 */
export async function run(): Promise<void> {
  console.log(`command: npm run bench startup   (DATABASE_URL=postgres://… adds the Postgres figure; median of ${REPEATS})`);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'otcwatch-startup-'));
  const pglite = { ...process.env, OTCWATCH_DATA: dataDir, DATABASE_URL: '' };
  try {
    await report('node -e 1', ['-e', '1'], pglite);
    await report('otcwatch --help', [BIN, '--help'], pglite);
    await otcwatch(['migrate'], pglite);
    await report('otcwatch runs (pglite)', [BIN, 'runs'], pglite);
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      const scratch = await scratchDatabase(serverUrl);
      try {
        const postgres = { ...pglite, DATABASE_URL: scratch.url };
        await otcwatch(['migrate'], postgres);
        await report(`otcwatch runs (postgres ${new URL(serverUrl).host})`, [BIN, 'runs'], postgres);
      } finally {
        await scratch.drop();
      }
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function report(label: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i <= REPEATS; i += 1) {
    const started = performance.now();
    await execNode(process.execPath, args, { env });
    if (i > 0) times.push(performance.now() - started);
  }
  console.log(`${label}: ${(median(times) / 1000).toFixed(3)} s (min ${(Math.min(...times) / 1000).toFixed(3)}, max ${(Math.max(...times) / 1000).toFixed(3)})`);
}

async function otcwatch(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  await execNode(process.execPath, [BIN, ...args], { env });
}
