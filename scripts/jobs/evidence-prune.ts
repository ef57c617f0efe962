import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../../store/connection.ts';
import { archivesOlderThan, markArchivesPruned } from '../../store/evidence.ts';

export interface PruneResult {
  runs: number[];
  files: number;
  freedBytes: number;
}

/**
 * Removes the WARC files of runs closed before `before`, and marks those
 * runs' archives pruned: their evidence rows, digests and observations
 * stay, so what was seen and its sha256 remain on record.
 *
 * @example
 * const { runs, freedBytes } = await pruneArchives(store, dataDir, new Date(Date.now() - 90 * 86_400_000));
 */
export async function pruneArchives(store: Store, dataDir: string, before: Date): Promise<PruneResult> {
  const archives = await archivesOlderThan(store.db, before);
  let freedBytes = 0;
  let files = 0;
  for (const { files: names } of archives) {
    for (const name of names) {
      const file = path.join(dataDir, name);
      const size = await stat(file).then((s) => s.size, () => null);
      if (size === null) continue;
      await rm(file);
      freedBytes += size;
      files += 1;
    }
  }
  const runs = archives.map((a) => a.runId);
  await markArchivesPruned(store.db, runs);
  return { runs, files, freedBytes };
}
