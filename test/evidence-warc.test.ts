import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import test from 'ava';
import iconv from 'iconv-lite';
import { WARCParser } from 'warcio';
import yauzl from 'yauzl';
import { readRecordAt } from '../crawler/evidence/warc-record-reader.ts';
import { getAdapter } from '../crawler/sources/index.ts';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { adapterSourceRegistration } from '../scripts/jobs/builtin-sources.ts';
import { findPageEvidence } from '../store/evidence.ts';
import { upsertSource } from '../store/sources.ts';
import { adapterCrawlRig } from './helpers/adapter-crawl.ts';
import { binanceKit } from './helpers/binance-platform.ts';
import { browserTest } from './helpers/browser-rig.ts';
import { cliRig, sqlRows } from './helpers/cli.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storedRows } from './helpers/stored-rows.ts';
import { storeEngine } from './helpers/test-store.ts';

// Serial: PGlite stores are built on this process's event loop, and the GBK proxy serves from it too.
const title = (name: string) => `${name} (${storeEngine})`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every record of a run's evidence rows, read back from the archive under `dataDir`. */
async function recordsOf(store: Parameters<typeof findPageEvidence>[0], dataDir: string, evidenceId: number) {
  const page = (await findPageEvidence(store, { evidenceId }))!;
  const file = await open(path.join(dataDir, page.records[0]!.file));
  try {
    const read = [];
    for (const r of page.records) read.push({ row: r, record: await readRecordAt(file, r.offset, r.length) });
    return { page, read };
  } finally {
    await file.close();
  }
}

test.serial(title('a GB18030 (GBK) board page is archived as the bytes the server sent, its sha256 is theirs, and its listings read as in UTF-8'), async (t) => {
  const rig = await demoCrawlRig(t);
  // The demo board, re-encoded by a real encoder on its way out: GB18030, the superset of GBK that also
  // holds the demo's ¥ (GBK has only the full-width ￥).
  const sent = new Map<string, Buffer>();
  const proxy = createServer((req, res) => void reencode(req.url ?? '/', res).catch((error: Error) => res.writeHead(500).end(error.message)));
  const reencode = async (url: string, res: ServerResponse) => {
    const upstream = await fetch(new URL(url, rig.market.url));
    const type = upstream.headers.get('content-type') ?? 'text/plain';
    let body: Buffer = Buffer.from(await upstream.arrayBuffer());
    let contentType = type;
    if (type.includes('html')) {
      const text = body.toString('utf8');
      body = iconv.encode(text, 'gb18030');
      if (iconv.decode(body, 'gb18030') !== text) throw new Error('the demo page does not round-trip through GB18030');
      contentType = 'text/html; charset=gb18030';
      sent.set(url, body);
    }
    res.writeHead(upstream.status, { 'content-type': contentType, 'content-length': String(body.length) });
    res.end(body);
  };
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  await rig.source('demo-html');
  const utf8 = await rig.crawl('demo-html');
  await upsertSource(rig.store.db, adapterSourceRegistration(getAdapter('demo-html'), { baseUrl: proxyUrl, params: {}, politeness: { minGapMs: 0, concurrency: 4 } }));
  const gbk = await rig.crawl('demo-html');
  t.is(gbk.status, 'complete', gbk.error ?? '');
  t.deepEqual(await storedRows(rig.store, gbk.runId), await storedRows(rig.store, utf8.runId), 'the same listings as the UTF-8 board');
  t.true((await storedRows(rig.store, gbk.runId)).some((line) => /[\u4e00-\u9fff]/.test(line)), 'Han text among them, so multi-byte GB18030 was decoded');

  const pages = await rig.store.db.selectFrom('evidence').select(['id', 'url', 'sha256', 'bytes']).where('run_id', '=', gbk.runId).execute();
  t.is(pages.length, gbk.pagesOk);
  for (const page of pages) {
    const { read } = await recordsOf(rig.store.db, rig.dataDir, page.id);
    const response = read.find((r) => r.row.type === 'response' && r.row.purpose === 'page')!;
    const wire = sent.get(new URL(page.url).pathname + new URL(page.url).search)!;
    t.true(Buffer.from(response.record.payload).equals(wire), `${page.url}: the archived body is the GB18030 bytes sent`);
    t.false(Buffer.from(response.record.payload).equals(Buffer.from(iconv.decode(wire, 'gb18030'))), 'not re-encoded as UTF-8');
    t.is(page.sha256, sha256(wire));
    t.is(page.bytes, wire.byteLength);
    t.regex(response.record.httpHead ?? '', /content-type: text\/html; charset=gb18030/i);
  }
});

test.serial(title('a POST API page: the request record holds the exact JSON body that was sent, and the server address'), async (t) => {
  const rig = await adapterCrawlRig(t, binanceKit);
  await rig.source({ assets: ['USDT'], sides: ['sell'] });
  const result = await rig.crawl();
  t.is(result.status, 'complete', result.error ?? '');
  const pages = await rig.store.db.selectFrom('evidence').select(['id', 'method', 'server_ip']).where('run_id', '=', result.runId).execute();
  const sentBodies: string[] = [];
  for (const page of pages) {
    t.is(page.method, 'POST');
    t.is(page.server_ip, '127.0.0.1');
    const { read } = await recordsOf(rig.store.db, rig.dataDir, page.id);
    const request = read.find((r) => r.row.type === 'request' && r.row.purpose === 'page')!;
    t.regex(request.record.httpHead ?? '', /^POST \/bapi\/c2c\/v2\/friendly\/c2c\/adv\/search HTTP\/1\.1\r\n/);
    t.regex(request.record.httpHead ?? '', /\r\ncontent-type: application\/json/i);
    t.is(request.record.warcHeaders.find(([n]) => n === 'WARC-IP-Address')?.[1], '127.0.0.1');
    sentBodies.push(new TextDecoder().decode(request.record.payload));
  }
  t.deepEqual(sentBodies.sort(), rig.server.calls.map((c) => c.rawBody).sort());
});

test.serial(title('a 503 page and a captcha page: every attempt and its body are archived, though the pages failed'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-html');
  rig.market.faults.inject({ path: '/market', query: { page: '2' }, kind: '503' });
  rig.market.faults.inject({ path: '/market', query: { page: '3' }, kind: 'captcha' });
  const result = await rig.crawl('demo-html');
  t.is(result.status, 'partial');
  const failed = await rig.store.db.selectFrom('evidence').select(['id', 'url', 'http_status']).where('run_id', '=', result.runId).where('outcome', '=', 'failed').orderBy('url').execute();
  t.deepEqual(failed.map((f) => [new URL(f.url).searchParams.get('page'), f.http_status]), [['2', 503], ['3', 200]]);

  const unavailable = await recordsOf(rig.store.db, rig.dataDir, failed[0]!.id);
  const answers503 = unavailable.read.filter((r) => r.row.type === 'response');
  t.is(answers503.length, 3, 'each of the 3 attempts');
  for (const r of answers503) {
    t.is(new TextDecoder().decode(r.record.payload), '503 (injected fault)\n');
    t.regex(r.record.httpHead ?? '', /^HTTP\/1\.1 503 Service Unavailable/);
  }
  t.is(unavailable.page.answer?.offset, answers503.at(-1)!.row.offset, "the page points at its last attempt's response");

  const captcha = await recordsOf(rig.store.db, rig.dataDir, failed[1]!.id);
  const captchaPages = captcha.read.filter((r) => r.row.type === 'response');
  t.is(captchaPages.length, 3, 'the first read and its 2 transient re-reads');
  for (const r of captchaPages) t.regex(new TextDecoder().decode(r.record.payload), /captcha/i);
});

test.serial(title('every record of a demo run reads back with warcio; evidence verify passes, then fails once a byte of the archive is flipped'), async (t) => {
  const { cli, dataDir } = await cliRig(t);
  const market = await startDemoMarketplace({ pageSize: 10 });
  t.teardown(() => market.close());
  t.is((await cli('sources', 'set', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0')).code, 0);
  const crawl = await cli('crawl', 'demo-api');
  t.is(crawl.code, 0, crawl.stderr);
  const [run] = await sqlRows<{ id: number; records: number }>(cli, `select r.id, (select count(*)::int from evidence_records x where x.run_id = r.id) as records from crawl_runs r`);
  const [file] = await readdir(path.join(dataDir, 'warc', 'demo-api'));
  t.is(file, `run-${run!.id}.warc.gz`);
  const archive = path.join(dataDir, 'warc', 'demo-api', file!);

  const types: string[] = [];
  let info = '';
  for await (const record of new WARCParser(createReadStream(archive))) {
    const content = await record.readFully();
    if (record.warcType === 'warcinfo') info = new TextDecoder().decode(content);
    types.push(record.warcType ?? '');
    t.is(record.warcHeaders.protocol, 'WARC/1.1');
    if (record.warcType === 'response') t.truthy(record.warcHeaders.headers.get('WARC-IP-Address'));
  }
  t.is(types[0], 'warcinfo');
  t.is(types.length, run!.records + 1, 'every record has a row, and every row a record');
  t.true(types.slice(1).every((type, i) => type === (i % 2 === 0 ? 'request' : 'response')), types.join(','));
  t.regex(info, new RegExp(`software: otcwatch/\\d+\\.\\d+\\.\\d+\r\n[\\s\\S]*otcwatch-source: demo-api\r\notcwatch-run: ${run!.id}\r\n`));

  const verified = await cli('evidence', 'verify');
  t.is(verified.code, 0, verified.stdout + verified.stderr);
  t.regex(verified.stdout, new RegExp(`^ok: ${run!.records} records and \\d+ page digests checked, 0 problem\\(s\\)$`, 'm'));

  // One byte in the middle of the second page's response record.
  const [target] = await sqlRows<{ warc_offset: number; warc_length: number }>(
    cli,
    `select warc_offset::int, warc_length::int from evidence where run_id = ${run!.id} order by fetched_at offset 1 limit 1`,
  );
  const bytes = await readFile(archive);
  const flipped = target!.warc_offset + Math.floor(target!.warc_length / 2);
  bytes[flipped] = bytes[flipped]! ^ 0x01;
  await writeFile(archive, bytes);
  const broken = await cli('evidence', 'verify', '--run', String(run!.id));
  t.is(broken.code, 1);
  t.regex(broken.stdout, new RegExp(`^MISMATCH warc/demo-api/run-${run!.id}\\.warc\\.gz@${target!.warc_offset} \\(run #${run!.id}, evidence \\d+, response\\): the record at ${target!.warc_offset} does not inflate`, 'm'));
  t.regex(broken.stdout, /^FAILED: /m);
});

test.serial(title('evidence show prints the request and response of a page by observation, and --out writes the body byte for byte'), async (t) => {
  const { cli, dataDir } = await cliRig(t);
  const market = await startDemoMarketplace();
  t.teardown(() => market.close());
  t.is((await cli('sources', 'set', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0')).code, 0);
  t.is((await cli('crawl', 'demo-api')).code, 0);
  const [observation] = await sqlRows<{ id: number; evidence_id: number; sha256: string; url: string }>(
    cli,
    'select o.id, o.evidence_id, e.sha256, e.url from listing_observations o join evidence e on e.id = o.evidence_id order by o.id limit 1',
  );
  const out = path.join(dataDir, 'body.json');
  const shown = await cli('evidence', 'show', `observation:${observation!.id}`, '--out', out);
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, new RegExp(`^evidence ${observation!.evidence_id} · run #\\d+ · ok HTTP 200`, 'm'));
  t.regex(shown.stdout, /^> request\n.* from 127\.0\.0\.1 · <urn:uuid:[0-9a-f-]+>\nGET \/api\/v1\/ads\?page=1&rows=\d+ HTTP\/1\.1\nhost: 127\.0\.0\.1:\d+\n/m);
  t.regex(shown.stdout, /^user-agent: otcwatch\//m);
  t.regex(shown.stdout, /^< response\n.*\nHTTP\/1\.1 200 OK\n/m);
  t.regex(shown.stdout, /^ {2}request {4}robots /m, 'the robots.txt read made for the page is among its records');
  t.is(sha256(await readFile(out)), observation!.sha256);
  t.deepEqual(await readFile(out), Buffer.from(await (await fetch(observation!.url)).arrayBuffer()), 'the body the API serves');
  const missing = await cli('evidence', 'show', 'observation:999999');
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no evidence for observation:999999/);
  t.regex((await cli('evidence', 'show', 'page-1')).stderr, /is not an evidence id/);
});

test.serial(title('the WACZ package has the files and digests WACZ lists, and its CDXJ lines resolve to the right records'), async (t) => {
  const { cli, dataDir } = await cliRig(t);
  const market = await startDemoMarketplace({ pageSize: 20 });
  t.teardown(() => market.close());
  t.is((await cli('sources', 'set', 'demo-html', '--base-url', market.url, '--min-gap-ms', '0')).code, 0);
  t.is((await cli('crawl', 'demo-html')).code, 0);
  const [run] = await sqlRows<{ id: number; pages: number }>(cli, `select id, pages_ok as pages from crawl_runs`);
  const wacz = path.join(dataDir, 'run.wacz');
  const exported = await cli('evidence', 'export', '--run', String(run!.id), '--out', wacz);
  t.is(exported.code, 0, exported.stderr);

  const entries = await unzip(wacz);
  t.deepEqual([...entries.keys()].sort(), [`archive/run-${run!.id}.warc.gz`, 'datapackage-digest.json', 'datapackage.json', 'indexes/index.cdx', 'pages/pages.jsonl']);
  const datapackage = JSON.parse(entries.get('datapackage.json')!.toString()) as { profile: string; wacz_version: string; resources: { path: string; hash: string; bytes: number }[] };
  t.like(datapackage, { profile: 'data-package', wacz_version: '1.1.1' });
  t.deepEqual(datapackage.resources.map((r) => r.path).sort(), [`archive/run-${run!.id}.warc.gz`, 'indexes/index.cdx', 'pages/pages.jsonl']);
  for (const resource of datapackage.resources) {
    t.is(resource.hash, `sha256:${sha256(entries.get(resource.path)!)}`, resource.path);
    t.is(resource.bytes, entries.get(resource.path)!.byteLength);
  }
  t.deepEqual(JSON.parse(entries.get('datapackage-digest.json')!.toString()), { path: 'datapackage.json', hash: `sha256:${sha256(entries.get('datapackage.json')!)}` });
  t.deepEqual(entries.get(`archive/run-${run!.id}.warc.gz`), await readFile(path.join(dataDir, 'warc', 'demo-html', `run-${run!.id}.warc.gz`)));

  const [header, ...pages] = entries.get('pages/pages.jsonl')!.toString().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  t.like(header, { format: 'json-pages-1.0', id: 'pages' });
  t.is(pages.length, run!.pages);

  const lines = entries.get('indexes/index.cdx')!.toString().trim().split('\n');
  t.deepEqual(lines, [...lines].sort(), 'sorted');
  const warc = await writeTemp(dataDir, entries.get(`archive/run-${run!.id}.warc.gz`)!);
  const file = await open(warc);
  try {
    for (const line of lines) {
      const [urlkey, timestamp] = line.split(' ');
      const entry = JSON.parse(line.slice(line.indexOf('{'))) as { url: string; digest: string; offset: string; length: string; filename: string; status: string };
      t.regex(urlkey!, /^1,0,0,127:\d+\)\//);
      t.regex(timestamp!, /^\d{14}$/);
      t.is(entry.filename, `run-${run!.id}.warc.gz`);
      const record = await readRecordAt(file, Number(entry.offset), Number(entry.length));
      t.is(record.type, 'response');
      t.is(record.targetUri, entry.url);
      t.is(record.payloadSha256, entry.digest.replace(/^sha256:/, ''));
    }
  } finally {
    await file.close();
  }
  t.is(lines.filter((l) => l.includes('/market')).length, run!.pages);
});

test.serial(title('evidence prune removes old runs\' archives, says what it freed, and keeps their rows and digests'), async (t) => {
  const { cli, dataDir } = await cliRig(t);
  const market = await startDemoMarketplace();
  t.teardown(() => market.close());
  t.is((await cli('sources', 'set', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0')).code, 0);
  t.is((await cli('crawl', 'demo-api')).code, 0);
  const archive = path.join(dataDir, 'warc', 'demo-api');
  const [file] = await readdir(archive);
  const size = (await readFile(path.join(archive, file!))).byteLength;
  const kept = await cli('evidence', 'prune', '--older-than', '90d');
  t.regex(kept.stdout, /^pruned the archives of 0 run\(s\): 0 file\(s\)/);
  t.deepEqual(await readdir(archive), [file]);

  const pruned = await cli('evidence', 'prune', '--older-than', '0h');
  t.is(pruned.code, 0, pruned.stderr);
  t.regex(pruned.stdout, new RegExp(`^pruned the archives of 1 run\\(s\\): 1 file\\(s\\), ${size} bytes \\(`));
  t.deepEqual(await readdir(archive), []);
  const [rows] = await sqlRows<{ pages: number; digests: number; records: number }>(
    cli,
    'select (select count(*)::int from evidence) as pages, (select count(*)::int from evidence where sha256 is not null) as digests, (select count(*)::int from evidence_records) as records',
  );
  t.true(rows!.pages > 0 && rows!.digests === rows!.pages && rows!.records > 0);
  const verified = await cli('evidence', 'verify');
  t.is(verified.code, 0);
  t.regex(verified.stdout, /1 run\(s\) pruned, not re-read/);
  t.regex((await cli('evidence', 'show', '1')).stdout, /records not read: the run's archive was pruned on /);
  t.regex((await cli('evidence', 'prune', '--older-than', 'ninety days')).stderr, /--older-than must be days or hours/);
});

test.serial(title('with OTCWATCH_ARCHIVE off, nothing is archived and pages keep their sha256 and server address'), async (t) => {
  const rig = await demoCrawlRig(t, {}, { archive: false });
  await rig.source('demo-api');
  const result = await rig.crawl('demo-api');
  t.is(result.status, 'complete', result.error ?? '');
  const pages = await rig.store.db.selectFrom('evidence').select(['sha256', 'server_ip', 'warc_file']).where('run_id', '=', result.runId).execute();
  t.true(pages.length > 0 && pages.every((p) => p.sha256 !== null && p.server_ip === '127.0.0.1' && p.warc_file === null));
  t.deepEqual(await readdir(rig.dataDir), []);
});

browserTest(title('a browser page: its DOM and screenshot records are linked to the response record of the document'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-browser');
  const result = await rig.crawl('demo-browser');
  t.is(result.status, 'complete', result.error ?? '');
  const pages = await rig.store.db.selectFrom('evidence').select(['id', 'url', 'sha256', 'server_ip']).where('run_id', '=', result.runId).execute();
  t.is(pages.length, result.pagesOk);
  for (const page of pages) {
    const { read } = await recordsOf(rig.store.db, rig.dataDir, page.id);
    const response = read.find((r) => r.row.type === 'response' && r.row.purpose === 'page')!;
    const dom = read.find((r) => r.row.type === 'conversion')!;
    const screenshot = read.find((r) => r.row.type === 'resource')!;
    const header = (r: typeof dom, name: string) => r.record.warcHeaders.find(([n]) => n === name)?.[1];
    t.is(header(dom, 'WARC-Concurrent-To'), response.record.recordId);
    t.is(header(dom, 'WARC-Refers-To'), response.record.recordId);
    t.is(header(screenshot, 'WARC-Concurrent-To'), response.record.recordId);
    t.is(screenshot.record.targetUri, `urn:screenshot:${page.url}`);
    t.deepEqual([...screenshot.record.payload.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
    t.regex(new TextDecoder().decode(dom.record.payload), /<tr class="ad" data-ad-id=.*id="ads-ready"/s, 'the rendered DOM, not the empty shell');
    // The response is the document as the server sent it: the app shell, before its script rendered the rows.
    t.is(page.sha256, response.record.payloadSha256);
    t.deepEqual(Buffer.from(response.record.payload), Buffer.from(await (await fetch(page.url)).arrayBuffer()));
    t.is(page.server_ip, '127.0.0.1');
  }
});

/** Every entry of a zip file, by name. */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, async (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function writeTemp(dir: string, bytes: Buffer): Promise<string> {
  const file = path.join(dir, 'from-wacz.warc.gz');
  await writeFile(file, bytes);
  return file;
}
