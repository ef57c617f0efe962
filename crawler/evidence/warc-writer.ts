import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, truncate, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { WARCRecord, WARCSerializer, WARC_1_1, type WARCRecordOpts, type WARCType } from 'warcio';
import type { Exchange, ExchangeResponse } from './exchange.ts';

/** One record as written: where it lies in its file, and its digests (`sha256:` hex, as in its WARC headers). */
export interface ArchivedRecord {
  type: WARCType;
  /** `<urn:uuid:…>` */
  recordId: string;
  targetUri: string;
  /** Byte offset of the record's gzip member in the file, and the member's length. */
  offset: number;
  length: number;
  /** sha256 hex of the payload (a response's or request's body, a screenshot, a DOM) and of the whole block. */
  payloadSha256: string;
  blockSha256: string;
}

/** An exchange as archived: what it was, and where its records are. */
export interface ArchivedExchange {
  /** The archive file, as named when it was opened (relative to the data folder). */
  file: string;
  purpose: Exchange['purpose'];
  url: string;
  method: string;
  sentAt: Date;
  status: number | null;
  serverIp: string | null;
  error: string | null;
  records: ArchivedRecord[];
}

export interface WarcWriterProps {
  /** Where the file is written. */
  path: string;
  /** How records name their file (`warc/demo-api/run-7.warc.gz`, relative to the data folder). */
  name: string;
  /**
   * Continue an existing file: keep its first `keepBytes` (the records a
   * resumed run's stored pages point at) and cut what follows (records of
   * pages never stored, perhaps one half-written by a killed process).
   * Absent: the file is created new.
   */
  keepBytes?: number;
  /** The `warcinfo` fields of this writer's session: software, source, run. */
  info: Record<string, string>;
}

/**
 * Writes one WARC 1.1 file, gzip per record, as exchanges arrive: for each,
 * a `request` record (method, target, header lines and body as sent) and a
 * `response` record (status line, header lines and the body bytes as read)
 * that name each other, the server's address in `WARC-IP-Address`, and
 * `WARC-Payload-Digest` / `WARC-Block-Digest` (sha256). An exchange that
 * got no answer has a `metadata` record saying why in its place; a browser
 * page's rendered DOM (`conversion`) and screenshot (`resource`) follow its
 * response, linked by `WARC-Concurrent-To`. Each writer's session begins
 * with a `warcinfo` record.
 *
 * Records are serialized concurrently and appended one exchange at a time,
 * so an exchange's records are contiguous and `append` resolves only once
 * they are in the file (written to the OS: a killed process loses nothing
 * appended).
 *
 * @example
 * ```ts
 * const warc = await WarcWriter.open({ path: '/data/warc/demo/run-7.warc.gz', name: 'warc/demo/run-7.warc.gz', info: { software: 'otcwatch/0.1.0' } });
 * const archived = await warc.append(exchange);
 * console.log(archived.records.map((r) => `${r.type} @${r.offset}+${r.length}`));
 * await warc.close();
 * ```
 */
export class WarcWriter {
  readonly name: string;
  readonly #file: FileHandle;
  #size: number;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(name: string, file: FileHandle, size: number) {
    this.name = name;
    this.#file = file;
    this.#size = size;
  }

  static async open(props: WarcWriterProps): Promise<WarcWriter> {
    await mkdir(path.dirname(props.path), { recursive: true });
    if (props.keepBytes !== undefined) await truncate(props.path, props.keepBytes);
    const file = await open(props.path, props.keepBytes === undefined ? 'w' : 'a');
    const writer = new WarcWriter(props.name, file, props.keepBytes ?? 0);
    const info = WARCRecord.createWARCInfo({ filename: path.basename(props.path), warcVersion: WARC_1_1 }, props.info);
    await writer.#write([await serialize(info)]);
    return writer;
  }

  /** Bytes written so far. */
  get size(): number {
    return this.#size;
  }

  async append(exchange: Exchange): Promise<ArchivedExchange> {
    const records = await exchangeRecords(exchange);
    const serialized = await Promise.all(records.map(serialize));
    const offsets = await this.#write(serialized);
    return {
      file: this.name,
      purpose: exchange.purpose,
      url: exchange.url,
      method: exchange.request.method,
      sentAt: exchange.sentAt,
      status: exchange.response?.status ?? null,
      serverIp: exchange.serverIp,
      error: exchange.error,
      records: records.map((record, i) => archivedRecord(record, offsets[i]!, serialized[i]!.byteLength)),
    };
  }

  /**
   * Waits for every append and closes the file. It is not fsynced: each
   * record reaches the OS before the row pointing at it commits, which is
   * what a killed process needs; a whole-machine crash before the OS writes
   * it back loses the tail, and `otcwatch evidence verify` names what is
   * missing. A sync per run cost as much as archiving a small run's pages.
   */
  async close(): Promise<void> {
    await this.#tail.catch(() => {});
    await this.#file.close();
  }

  /** Appends after every earlier append; resolves with each buffer's offset. */
  #write(buffers: Uint8Array[]): Promise<number[]> {
    const written = this.#tail.then(async () => {
      const offsets: number[] = [];
      for (const buffer of buffers) {
        offsets.push(this.#size);
        await this.#file.write(buffer);
        this.#size += buffer.byteLength;
      }
      return offsets;
    });
    // A failed write fails its own append; the next ones still try.
    this.#tail = written.catch(() => {});
    return written;
  }
}

/** The records of one exchange, in file order, cross-linked by record id. */
async function exchangeRecords(exchange: Exchange): Promise<WARCRecord[]> {
  const date = exchange.sentAt.toISOString();
  const ip: Record<string, string> = exchange.serverIp ? { 'WARC-IP-Address': exchange.serverIp } : {};
  const requestId = recordId();
  const answerId = recordId();
  const { request, response } = exchange;
  const records = [
    digested(
      {
        url: exchange.url,
        date,
        type: 'request',
        warcVersion: WARC_1_1,
        statusline: `${request.method} ${request.target} HTTP/1.1`,
        httpHeaders: request.headers,
        warcHeaders: { 'WARC-Record-ID': requestId, 'WARC-Concurrent-To': answerId, ...ip },
      },
      request.body ? [request.body] : [],
    ),
  ];
  if (response === null) {
    const fields = `fetch-error: ${oneLine(exchange.error ?? 'no answer')}\r\n`;
    records.push(
      digested(
        {
          url: exchange.url,
          date,
          type: 'metadata',
          warcVersion: WARC_1_1,
          warcHeaders: { 'WARC-Record-ID': answerId, 'WARC-Concurrent-To': requestId, 'Content-Type': 'application/warc-fields', ...ip },
        },
        [new TextEncoder().encode(fields)],
      ),
    );
    return records;
  }
  records.push(
    digested(
      {
        url: exchange.url,
        date: response.receivedAt.toISOString(),
        type: 'response',
        warcVersion: WARC_1_1,
        statusline: `HTTP/1.1 ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
        httpHeaders: archivedHeaders(response),
        warcHeaders: { 'WARC-Record-ID': answerId, 'WARC-Concurrent-To': requestId, ...ip },
      },
      [response.body],
    ),
  );
  const rendered = exchange.rendered;
  if (rendered) {
    const at = rendered.at.toISOString();
    records.push(
      digested(
        {
          url: exchange.url,
          date: at,
          type: 'conversion',
          warcVersion: WARC_1_1,
          warcHeaders: { 'WARC-Record-ID': recordId(), 'WARC-Refers-To': answerId, 'WARC-Concurrent-To': answerId, 'Content-Type': 'text/html; charset=utf-8' },
        },
        [new TextEncoder().encode(rendered.dom)],
      ),
      digested(
        {
          url: `urn:screenshot:${exchange.url}`,
          date: at,
          type: 'resource',
          warcVersion: WARC_1_1,
          warcHeaders: { 'WARC-Record-ID': recordId(), 'WARC-Concurrent-To': answerId, 'Content-Type': 'image/png' },
        },
        [rendered.screenshot],
      ),
    );
  }
  return records;
}

/**
 * The response's header lines, restated where the kept body no longer
 * matches them: fetch hands over a body already decompressed and
 * de-chunked, so `Content-Encoding`, `Transfer-Encoding` and a
 * `Content-Length` of the compressed body are kept under an
 * `X-Archive-Orig-` name (as pywb does) and a replay reads the bytes as
 * they are.
 */
function archivedHeaders(response: ExchangeResponse): [string, string][] {
  const encoded = response.headers.some(([name, value]) => name.toLowerCase() === 'content-encoding' && value.trim().toLowerCase() !== 'identity');
  return response.headers.map(([name, value]): [string, string] => {
    const lower = name.toLowerCase();
    const stale = lower === 'transfer-encoding' || (encoded && (lower === 'content-encoding' || lower === 'content-length'));
    return stale ? [`X-Archive-Orig-${name}`, value] : [name, value];
  });
}

async function serialize(record: WARCRecord): Promise<Uint8Array> {
  // zlib in one native call: cheaper per record than warcio's stream compression, and the same gzip member.
  return gzipSync(await WARCSerializer.serialize(record, { gzip: false }));
}

/**
 * A record made with its digests already in its headers, computed by
 * Node's native sha256: warcio's serializer then writes them as they are
 * instead of hashing again in WebAssembly, which was two thirds of an
 * exchange's cost.
 */
function digested(options: WARCRecordOpts, payload: Uint8Array[]): WARCRecord {
  const record = WARCRecord.create(options, payload);
  if (options.type === 'warcinfo') return record;
  const payloadHash = createHash('sha256');
  const blockHash = createHash('sha256');
  if (record.httpHeaders) blockHash.update(`${record.httpHeaders.toString()}\r\n`);
  for (const chunk of payload) {
    payloadHash.update(chunk);
    blockHash.update(chunk);
  }
  record.warcHeaders.headers.set('WARC-Payload-Digest', `sha256:${payloadHash.digest('hex')}`);
  record.warcHeaders.headers.set('WARC-Block-Digest', `sha256:${blockHash.digest('hex')}`);
  return record;
}

function archivedRecord(record: WARCRecord, offset: number, length: number): ArchivedRecord {
  const headers = record.warcHeaders.headers;
  const digest = (name: string) => headers.get(name)!.replace(/^sha256:/, '');
  return {
    type: record.warcType as WARCType,
    recordId: headers.get('WARC-Record-ID')!,
    targetUri: record.warcTargetURI ?? '',
    offset,
    length,
    payloadSha256: digest('WARC-Payload-Digest'),
    blockSha256: digest('WARC-Block-Digest'),
  };
}

function recordId(): string {
  return `<urn:uuid:${randomUUID()}>`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
