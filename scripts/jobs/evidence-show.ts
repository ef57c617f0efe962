import { open } from 'node:fs/promises';
import path from 'node:path';
import { readRecordAt, type ReadRecord } from '../../crawler/evidence/warc-record-reader.ts';
import type { Store } from '../../store/connection.ts';
import { findPageEvidence, type PageEvidence } from '../../store/evidence.ts';

/** A page's evidence with its final exchange read back from the archive. */
export interface ShownEvidence {
  page: PageEvidence;
  /** The request and the answer (response, or metadata when none came) of the page's last attempt; null when the archive is not here. */
  request: ReadRecord | null;
  answer: ReadRecord | null;
  /** Why the records could not be read, when they could not. */
  unreadable: string | null;
}

/**
 * Reads the evidence of a page — by its id or an observation's — with the
 * request and answer of its last attempt from the run's WARC file.
 *
 * @example
 * const shown = await readPageEvidence(store, dataDir, { observationId: 345 });
 * process.stdout.write(shown!.answer!.payload);
 */
export async function readPageEvidence(store: Store, dataDir: string, ref: { evidenceId: number } | { observationId: number }): Promise<ShownEvidence | undefined> {
  const page = await findPageEvidence(store.db, ref);
  if (!page) return undefined;
  const answer = page.answer;
  if (answer === null) return { page, request: null, answer: null, unreadable: page.bodyPath ? null : 'no archived record' };
  if (page.archivePrunedAt) return { page, request: null, answer: null, unreadable: `the run's archive was pruned on ${page.archivePrunedAt.toISOString()}` };
  // An exchange's records are contiguous: its request is the last request record before its answer.
  const request = page.records.filter((r) => r.file === answer.file && r.type === 'request' && r.offset < answer.offset).at(-1);
  let file;
  try {
    file = await open(path.join(dataDir, answer.file));
  } catch (error) {
    return { page, request: null, answer: null, unreadable: `${answer.file} cannot be opened under ${dataDir} (${(error as Error).message})` };
  }
  try {
    return {
      page,
      request: request ? await readRecordAt(file, request.offset, request.length) : null,
      answer: await readRecordAt(file, answer.offset, answer.length),
      unreadable: null,
    };
  } catch (error) {
    return { page, request: null, answer: null, unreadable: (error as Error).message };
  } finally {
    await file.close();
  }
}
