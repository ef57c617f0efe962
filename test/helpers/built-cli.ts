import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCES = ['crawler', 'store', 'migrations', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
const BUILT = path.join(ROOT, 'dist/scripts/cli.js');

/** The `otcwatch` bin, which runs the compiled CLI in dist/. */
export const OTCWATCH_BIN = path.join(ROOT, 'scripts/otcwatch.mjs');

let built: Promise<void> | undefined;

/**
 * Makes sure the bin runs the sources as they are now: rebuilds dist/
 * (`npm run build`) when a source is newer than the build, once per test
 * process, so `npx ava test/cli.test.ts` after an edit never runs stale
 * JavaScript. Test processes running side by side build one at a time.
 *
 * @example
 * await ensureBuiltCli();
 * spawn(process.execPath, [OTCWATCH_BIN, 'runs']);
 */
export function ensureBuiltCli(): Promise<void> {
  built ??= (async () => {
    if (!stale()) return;
    mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
    const release = await lockfile.lock(path.join(ROOT, 'dist'), { retries: { retries: 120, minTimeout: 250, maxTimeout: 1000 }, stale: 120_000 });
    try {
      if (stale()) await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: ROOT });
    } finally {
      await release();
    }
  })();
  return built;
}

function stale(): boolean {
  let builtAt: number;
  try {
    builtAt = statSync(BUILT).mtimeMs;
  } catch {
    return true;
  }
  return SOURCES.some((entry) => newestMtime(path.join(ROOT, entry)) > builtAt);
}

function newestMtime(file: string): number {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file).reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), stat.mtimeMs);
}
