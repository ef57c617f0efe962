import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { ReadRecord } from '../../crawler/evidence/warc-record-reader.ts';
import { exportRunWacz } from '../jobs/evidence-export.ts';
import { pruneArchives } from '../jobs/evidence-prune.ts';
import { readPageEvidence } from '../jobs/evidence-show.ts';
import { verifyEvidence } from '../jobs/evidence-verify.ts';
import { dataDir, intOption, print, printError, printJson, UsageError, withStore } from '../cli-context.ts';

export function registerEvidence(command: Command): void {
  command.addHelpText(
    'after',
    '\nEach run keeps a WARC 1.1 archive of every exchange under <data folder>/warc/<source>/run-<id>.warc.gz;\nevidence rows point at their records (file, offset, length) and keep their sha256.',
  );
  command
    .command('show')
    .description("print a page's request and response headers and where its records are; --out writes the body exactly as received")
    .argument('<ref>', 'an evidence id (12, evidence:12) or an observation id (observation:345)')
    .option('--out <file>', 'write the response body, byte for byte, to this file')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  otcwatch evidence show 12\n  otcwatch evidence show observation:345 --out page.html')
    .action(async (ref: string, options: { out?: string; json?: boolean }) => {
      const key = evidenceRef(ref);
      await withStore(async (store) => {
        const shown = await readPageEvidence(store, dataDir(), key);
        if (!shown) throw new UsageError(`no evidence for ${ref}; evidence ids are in listing_observations.evidence_id and run_pages.evidence_id`);
        const { page, request, answer } = shown;
        if (options.out) {
          if (!answer) throw new UsageError(`evidence ${page.id} has no archived body to write: ${shown.unreadable ?? 'kept before WARC archives, at ' + page.bodyPath}`);
          await writeFile(options.out, answer.payload);
          printError(`wrote ${answer.payload.byteLength} bytes (sha256 ${answer.payloadSha256}) to ${options.out}`);
        }
        if (options.json) {
          printJson({ ...page, request: request && recordJson(request), answer: answer && recordJson(answer), unreadable: shown.unreadable }, 2);
          return;
        }
        const lines = [
          `evidence ${page.id} · run #${page.runId} · ${page.outcome}${page.httpStatus === null ? '' : ` HTTP ${page.httpStatus}`} · ${page.fetchedAt.toISOString()}`,
          `${page.method ?? 'GET'} ${page.url}`,
          `server ${page.serverIp ?? 'unknown'} · sha256 ${page.sha256 ?? '-'} · ${page.bytes ?? '-'} bytes`,
          ...(page.error ? [`error: ${page.error}`] : []),
          ...(page.answer ? [`response record: ${page.answer.file} @${page.answer.offset} (${page.answer.length} bytes)`] : page.bodyPath ? [`kept before WARC archives: ${page.bodyPath}`] : []),
          ...(shown.unreadable ? [`records not read: ${shown.unreadable}`] : []),
        ];
        if (request) lines.push('', '> request', ...headLines(request), ...(request.payload.byteLength ? ['', new TextDecoder().decode(request.payload)] : []));
        if (answer) lines.push('', `< ${answer.type}`, ...headLines(answer), '', `(${answer.payload.byteLength} bytes of body${options.out ? `, written to ${options.out}` : '; --out FILE writes them'})`);
        lines.push('', `records of this page (${page.records.length}):`, ...page.records.map((r) => `  ${r.type.padEnd(10)} ${r.purpose.padEnd(6)} ${String(r.httpStatus ?? '-').padEnd(4)} ${r.file} @${r.offset} ${r.targetUri}`));
        print(lines.join('\n'));
      }, 'read');
    });
  command
    .command('verify')
    .description('re-read every archived record, re-compute its digests and compare them with the store; exit 1 on any mismatch')
    .option('--run <id>', 'only this run')
    .addHelpText('after', '\nExamples:\n  otcwatch evidence verify\n  otcwatch evidence verify --run 7')
    .action(async (options: { run?: string }) => {
      const runId = intOption('--run', options.run, 1);
      await withStore(async (store) => {
        const check = await verifyEvidence(store, dataDir(), runId === undefined ? {} : { runId });
        for (const problem of check.problems) print(`MISMATCH ${problem}`);
        const pruned = check.pruned.length ? `; ${check.pruned.length} run(s) pruned, not re-read` : '';
        print(`${check.problems.length === 0 ? 'ok' : 'FAILED'}: ${check.records} records and ${check.pages} page digests checked, ${check.problems.length} problem(s)${pruned}`);
        if (check.problems.length > 0) process.exitCode = 1;
      }, 'read');
    });
  command
    .command('export')
    .description('package a run as a WACZ 1.1.1 file (WARCs, CDXJ index, pages.jsonl, datapackage.json with digests); opens in ReplayWeb.page')
    .requiredOption('--run <id>', 'the run')
    .requiredOption('--out <file>', 'the .wacz file to write')
    .addHelpText('after', '\nExample:\n  otcwatch evidence export --run 7 --out run-7.wacz')
    .action(async (options: { run: string; out: string }) => {
      const runId = intOption('--run', options.run, 1)!;
      await withStore(async (store) => {
        const wacz = await exportRunWacz(store, dataDir(), runId, options.out).catch((error: Error) => {
          throw new UsageError(error.message);
        });
        print(`wrote ${wacz.file}: ${wacz.warcFiles} WARC file(s), ${wacz.indexLines} index lines, ${wacz.pages} pages, ${wacz.bytes} bytes`);
      }, 'read');
    });
  command
    .command('prune')
    .description("remove the WARC archives of runs closed longer ago than --older-than; their rows and digests stay")
    .requiredOption('--older-than <age>', 'an age in days (90d) or hours (12h)')
    .addHelpText('after', '\nExample:\n  otcwatch evidence prune --older-than 90d')
    .action(async (options: { olderThan: string }) => {
      const match = /^(\d+)([dh])$/.exec(options.olderThan.trim());
      if (!match) throw new UsageError(`--older-than must be days or hours, like 90d or 12h; got "${options.olderThan}"`);
      const ms = Number(match[1]) * (match[2] === 'd' ? 86_400_000 : 3_600_000);
      await withStore(async (store) => {
        const result = await pruneArchives(store, dataDir(), new Date(Date.now() - ms));
        const freed = `${result.freedBytes} bytes (${(result.freedBytes / 2 ** 20).toFixed(1)} MiB)`;
        print(`pruned the archives of ${result.runs.length} run(s): ${result.files} file(s), ${freed} freed; their evidence rows and digests are kept`);
      });
    });
}

function evidenceRef(ref: string): { evidenceId: number } | { observationId: number } {
  const match = /^(?:(evidence|observation):)?(\d+)$/.exec(ref.trim());
  if (!match) throw new UsageError(`"${ref}" is not an evidence id (12, evidence:12) or an observation id (observation:345)`);
  const id = Number(match[2]);
  return match[1] === 'observation' ? { observationId: id } : { evidenceId: id };
}

function headLines(record: ReadRecord): string[] {
  const ip = record.warcHeaders.find(([name]) => name === 'WARC-IP-Address')?.[1];
  const meta = [`${record.date}${ip ? ` from ${ip}` : ''} · ${record.recordId}`];
  return record.httpHead === null ? [...meta, new TextDecoder().decode(record.payload)] : [...meta, ...record.httpHead.split('\r\n')];
}

function recordJson(record: ReadRecord) {
  const { payload, ...rest } = record;
  return { ...rest, payloadBytes: payload.byteLength };
}
