import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/** One record read back from its gzip member, with its digests re-computed from the bytes. */
export interface ReadRecord {
  type: string;
  recordId: string;
  targetUri: string;
  date: string;
  /** The WARC header lines, in order. */
  warcHeaders: [string, string][];
  /** For request and response records: the HTTP head (request or status line, header lines). */
  httpHead: string | null;
  /** The payload: the block after the HTTP head, or the whole block. */
  payload: Uint8Array;
  /** sha256 hex re-computed over the payload and over the block. */
  payloadSha256: string;
  blockSha256: string;
  /** The digests the record's headers state (without the `sha256:` prefix); null when absent. */
  statedPayloadSha256: string | null;
  statedBlockSha256: string | null;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * Reads the record whose gzip member lies at `offset` (`length` bytes) in
 * an open WARC file, and re-computes its digests from what is on disk. A
 * member that does not inflate (a flipped byte fails gzip's CRC) or a
 * block shorter than its `Content-Length` throws, saying which.
 *
 * @example
 * ```ts
 * const file = await open('data/warc/demo-api/run-7.warc.gz');
 * const record = await readRecordAt(file, 1431, 920);
 * console.log(record.type, record.payloadSha256 === record.statedPayloadSha256);
 * ```
 */
export async function readRecordAt(file: FileHandle, offset: number, length: number): Promise<ReadRecord> {
  const member = Buffer.alloc(length);
  const { bytesRead } = await file.read(member, 0, length, offset);
  if (bytesRead < length) throw new Error(`the record at ${offset} is cut: ${bytesRead} of ${length} bytes in the file`);
  let raw: Buffer;
  try {
    raw = gunzipSync(member);
  } catch (error) {
    throw new Error(`the record at ${offset} does not inflate (${(error as Error).message}): its bytes changed`);
  }
  const headEnd = raw.indexOf(CRLFCRLF);
  if (headEnd < 0) throw new Error(`the record at ${offset} has no WARC header block`);
  const [version, ...lines] = raw.subarray(0, headEnd).toString('utf8').split('\r\n');
  if (!version?.startsWith('WARC/')) throw new Error(`the record at ${offset} does not start with a WARC version line`);
  const warcHeaders = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const header = (name: string) => warcHeaders.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? null;
  const blockLength = Number(header('Content-Length'));
  const block = raw.subarray(headEnd + 4, headEnd + 4 + blockLength);
  if (!Number.isInteger(blockLength) || block.byteLength !== blockLength) throw new Error(`the record at ${offset} holds ${block.byteLength} bytes of its Content-Length ${header('Content-Length')}`);
  const type = header('WARC-Type') ?? '';
  const contentType = header('Content-Type') ?? '';
  let httpHead: string | null = null;
  let payload: Uint8Array = block;
  if (contentType.startsWith('application/http')) {
    const httpEnd = block.indexOf(CRLFCRLF);
    httpHead = block.subarray(0, httpEnd < 0 ? block.byteLength : httpEnd).toString('latin1');
    payload = httpEnd < 0 ? new Uint8Array() : block.subarray(httpEnd + 4);
  }
  const stated = (name: string) => header(name)?.replace(/^sha256:/, '') ?? null;
  return {
    type,
    recordId: header('WARC-Record-ID') ?? '',
    targetUri: header('WARC-Target-URI') ?? '',
    date: header('WARC-Date') ?? '',
    warcHeaders,
    httpHead,
    payload,
    payloadSha256: sha256(payload),
    blockSha256: sha256(block),
    statedPayloadSha256: stated('WARC-Payload-Digest'),
    statedBlockSha256: stated('WARC-Block-Digest'),
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
