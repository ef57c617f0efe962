import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CDXIndexer } from 'warcio';
import yazl from 'yazl';
import { OTCWATCH_VERSION } from '../../crawler/version.ts';
import type { Store } from '../../store/connection.ts';
import { runArchiveContents } from '../../store/evidence.ts';

export interface WaczExport {
  file: string;
  warcFiles: number;
  pages: number;
  indexLines: number;
  bytes: number;
}

/**
 * Packages a run's archive as a WACZ 1.1.1 file (the Webrecorder format
 * ReplayWeb.page opens): its WARC files under `archive/` (stored, as they
 * are already gzipped), a sorted CDXJ index made by warcio's indexer under
 * `indexes/`, the pages read in `pages/pages.jsonl`, `datapackage.json`
 * listing each file with its sha256 and size, and `datapackage-digest.json`
 * with the sha256 of that.
 *
 * @example
 * await exportRunWacz(store, dataDir, 7, 'run-7.wacz');
 */
export async function exportRunWacz(store: Store, dataDir: string, runId: number, out: string): Promise<WaczExport> {
  const contents = await runArchiveContents(store.db, runId);
  if (!contents) throw new Error(`no run #${runId}; list runs with: otcwatch runs`);
  if (contents.prunedAt) throw new Error(`run #${runId}'s archive was pruned on ${contents.prunedAt.toISOString()}; its rows and digests remain, its bytes do not`);
  if (contents.files.length === 0) throw new Error(`run #${runId} has no WARC archive (it was crawled before archives, or with OTCWATCH_ARCHIVE=off)`);

  const warcs = contents.files.map((name) => ({ name, source: path.join(dataDir, name), inZip: `archive/${path.basename(name)}` }));
  const resources: { name: string; path: string; hash: string; bytes: number }[] = [];
  for (const warc of warcs) {
    const size = await stat(warc.source).then((s) => s.size, () => {
      throw new Error(`${warc.name} is not under ${dataDir}: export on the machine whose data folder holds it`);
    });
    resources.push({ name: path.basename(warc.name), path: warc.inZip, hash: `sha256:${await fileSha256(warc.source)}`, bytes: size });
  }

  const indexer = new CDXIndexer({ format: 'cdxj' });
  const lines: string[] = [];
  for await (const entry of indexer.iterIndex(warcs.map((w) => ({ filename: path.basename(w.name), reader: createReadStream(w.source) })))) {
    lines.push(indexer.serialize(entry));
  }
  lines.sort();
  const index = Buffer.from(lines.join(''));
  const pages = Buffer.from(
    [
      { format: 'json-pages-1.0', id: 'pages', title: `otcwatch run #${runId} of ${contents.sourceId}` },
      ...contents.pages.map((p, i) => ({ id: String(i + 1), url: p.url, ts: p.fetchedAt.toISOString(), ...(p.status === null ? {} : { status: p.status }) })),
    ]
      .map((line) => `${JSON.stringify(line)}\n`)
      .join(''),
  );
  const parts = [
    { path: 'indexes/index.cdx', bytes: index },
    { path: 'pages/pages.jsonl', bytes: pages },
  ];
  for (const part of parts) resources.push({ name: path.basename(part.path), path: part.path, hash: `sha256:${sha256(part.bytes)}`, bytes: part.bytes.byteLength });
  const datapackage = Buffer.from(
    JSON.stringify(
      {
        profile: 'data-package',
        wacz_version: '1.1.1',
        title: `otcwatch run #${runId} of ${contents.sourceId}`,
        created: new Date().toISOString(),
        software: `otcwatch/${OTCWATCH_VERSION}`,
        ...(contents.pages[0] ? { mainPageUrl: contents.pages[0].url, mainPageDate: contents.pages[0].fetchedAt.toISOString() } : {}),
        resources,
      },
      null,
      2,
    ),
  );
  const digest = Buffer.from(JSON.stringify({ path: 'datapackage.json', hash: `sha256:${sha256(datapackage)}` }, null, 2));

  const zip = new yazl.ZipFile();
  for (const warc of warcs) zip.addFile(warc.source, warc.inZip, { compress: false });
  for (const part of parts) zip.addBuffer(part.bytes, part.path);
  zip.addBuffer(datapackage, 'datapackage.json');
  zip.addBuffer(digest, 'datapackage-digest.json');
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(out));
  return { file: out, warcFiles: warcs.length, pages: contents.pages.length, indexLines: lines.length, bytes: (await stat(out)).size };
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
