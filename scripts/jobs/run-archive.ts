import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { WarcWriter } from '../../crawler/evidence/warc-writer.ts';
import { OTCWATCH_VERSION } from '../../crawler/version.ts';
import { archiveEnds } from '../../store/evidence.ts';
import type { Database } from '../../store/schema.ts';

export interface RunArchiveProps {
  dataDir: string;
  runId: number;
  sourceId: string;
  /** The process writing: named in the file's warcinfo. */
  owner: string;
  /** A run taken over from a process that died: its file may go on. A new run starts a new file without asking the store. */
  resumed: boolean;
}

/**
 * Opens the WARC file a run keeps its exchanges in,
 * `<dataDir>/warc/<source>/run-<id>.warc.gz`. A resumed run continues its
 * file from the end of the last record its stored pages point at, cutting
 * what a killed process wrote after it; when that file is not on this
 * machine (another worker wrote it), or is shorter than the store says,
 * the run goes on in a next file, `run-<id>-2.warc.gz`, and its rows say
 * which file holds each record.
 *
 * @example
 * const warc = await openRunArchive(store.db, { dataDir, runId: 7, sourceId: 'demo-api', owner });
 */
export async function openRunArchive(db: Kysely<Database>, props: RunArchiveProps): Promise<WarcWriter> {
  const ends = props.resumed ? await archiveEnds(db, props.runId) : new Map<string, number>();
  const folder = path.join('warc', props.sourceId.replace(/[^A-Za-z0-9._-]/g, '_'));
  const nameOf = (segment: number) => path.join(folder, `run-${props.runId}${segment > 1 ? `-${segment}` : ''}.warc.gz`);
  let segment = 1;
  while (ends.has(nameOf(segment + 1))) segment += 1;
  const info = (session: string) => ({
    software: `otcwatch/${OTCWATCH_VERSION}`,
    format: 'WARC File Format 1.1',
    conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
    'otcwatch-source': props.sourceId,
    'otcwatch-run': String(props.runId),
    'otcwatch-writer': props.owner,
    'otcwatch-session': session,
  });
  const name = nameOf(segment);
  const end = ends.get(name);
  const size = await fileSize(path.join(props.dataDir, name));
  if (size !== null && size >= (end ?? 0)) {
    return WarcWriter.open({ path: path.join(props.dataDir, name), name, keepBytes: end ?? 0, info: info(end === undefined ? 'new' : 'resumed') });
  }
  const next = end === undefined ? name : nameOf(segment + 1);
  return WarcWriter.open({ path: path.join(props.dataDir, next), name: next, info: info(end === undefined ? 'new' : `resumed; ${name} is not on this machine`) });
}

async function fileSize(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}
