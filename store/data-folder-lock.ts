import { openSync, closeSync, writeSync, readFileSync, unlinkSync } from 'node:fs';

/**
 * An exclusive lock on an embedded store's folder: PGlite is one process's
 * database, and a second process opening the same folder would corrupt it.
 * The lock is a file holding the owner's pid; a lock left by a dead process
 * is taken over.
 *
 * @example
 * const release = lockDataFolder('/data/pgdata');
 * // … use the store …
 * release();
 */
export function lockDataFolder(dir: string): () => void {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8'));
      if (owner && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `the embedded store in ${dir} is in use by process ${owner} (an "otcwatch run"?); ` +
            'stop it first, or use PostgreSQL (DATABASE_URL) to let several processes share a store',
        );
      }
      unlinkSync(file);
    }
  }
  throw new Error(`could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
