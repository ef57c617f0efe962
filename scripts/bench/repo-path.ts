import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A path in the otcwatch checkout, from the folder holding package.json:
 * benchmarks run compiled from dist/ and as sources alike, so a path
 * relative to the module would point into dist/ in one and not the other.
 *
 * @example
 * const bin = repoPath('scripts/otcwatch.mjs');
 */
export function repoPath(relative: string): string {
  let dir = import.meta.dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = parent;
  }
  return path.join(dir, relative);
}
