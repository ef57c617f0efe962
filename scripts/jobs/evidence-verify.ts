import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { readRecordAt } from '../../crawler/evidence/warc-record-reader.ts';
import type { Store } from '../../store/connection.ts';
import { recordsToVerify } from '../../store/evidence.ts';

export interface EvidenceCheck {
  /** Records re-read and compared. */
  records: number;
  /** Pages whose stored sha256 was compared with their answer record. */
  pages: number;
  /** One line per mismatch, missing file or unreadable record; empty when all holds. */
  problems: string[];
  /** Runs whose archive was pruned: their rows stay, there is nothing to re-read. */
  pruned: number[];
}

/**
 * Re-reads every record the store says a run (or every run) wrote, from
 * the WARC files under the data folder, re-computes its payload and block
 * digests, and compares them with the record's own headers and with the
 * store; then checks each page's stored sha256 against its answer record.
 *
 * @example
 * const check = await verifyEvidence(store, dataDir, { runId: 7 });
 * if (check.problems.length > 0) process.exitCode = 1;
 */
export async function verifyEvidence(store: Store, dataDir: string, scope: { runId?: number } = {}): Promise<EvidenceCheck> {
  const { records, pages, pruned } = await recordsToVerify(store.db, scope);
  const problems: string[] = [];
  const files = new Map<string, Promise<FileHandle | Error>>();
  const fileOf = (name: string) => {
    if (!files.has(name)) files.set(name, open(path.join(dataDir, name)).catch((error: Error) => error));
    return files.get(name)!;
  };
  // What each record re-read holds, by location; a record that could not be read is already a problem.
  const payloadAt = new Map<string, string | null>();
  try {
    for (const row of records) {
      const where = `${row.file}@${row.offset} (run #${row.runId}, evidence ${row.evidenceId}, ${row.type})`;
      payloadAt.set(`${row.file}@${row.offset}`, null);
      const file = await fileOf(row.file);
      if (file instanceof Error) {
        problems.push(`${where}: the file cannot be opened (${file.message})`);
        continue;
      }
      let read;
      try {
        read = await readRecordAt(file, row.offset, row.length);
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
        continue;
      }
      const mismatches = [
        read.recordId !== row.recordId && `WARC-Record-ID is ${read.recordId}, the store says ${row.recordId}`,
        read.type !== row.type && `WARC-Type is ${read.type}`,
        read.payloadSha256 !== read.statedPayloadSha256 && `payload sha256 ${read.payloadSha256} differs from its WARC-Payload-Digest ${read.statedPayloadSha256}`,
        read.payloadSha256 !== row.payloadSha256 && `payload sha256 ${read.payloadSha256} differs from the store's ${row.payloadSha256}`,
        read.blockSha256 !== read.statedBlockSha256 && `block sha256 ${read.blockSha256} differs from its WARC-Block-Digest ${read.statedBlockSha256}`,
        read.blockSha256 !== row.blockSha256 && `block sha256 ${read.blockSha256} differs from the store's ${row.blockSha256}`,
      ].filter((m): m is string => typeof m === 'string');
      for (const m of mismatches) problems.push(`${where}: ${m}`);
      payloadAt.set(`${row.file}@${row.offset}`, read.payloadSha256);
    }
    for (const page of pages) {
      const read = payloadAt.get(`${page.answer.file}@${page.answer.offset}`);
      if (read === undefined) problems.push(`evidence ${page.id}: the store has no record at ${page.answer.file}@${page.answer.offset}`);
      else if (read !== null && read !== page.sha256) problems.push(`evidence ${page.id}: its sha256 ${page.sha256} is not the payload of its response record (${read})`);
    }
  } finally {
    for (const file of files.values()) {
      const handle = await file;
      if (!(handle instanceof Error)) await handle.close();
    }
  }
  return { records: records.length, pages: pages.length, problems, pruned };
}
