import path from 'node:path';
import type { Command } from 'commander';
import { httpBaseUrl } from '../../crawler/base-url.ts';
import { DECLARATIVE } from '../../crawler/declarative/declarative-adapter.ts';
import { loadSourceFile } from '../../crawler/declarative/load-source-file.ts';
import type { DeclarativeSpec } from '../../crawler/declarative/source-spec.ts';
import { SourceFileError } from '../../crawler/declarative/spec-issues.ts';
import type { NormalizedListing } from '../../crawler/listing.ts';
import { findSource, upsertSource } from '../../store/sources.ts';
import { print, printError, printJson, UsageError, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';
import { declarativeRegistration } from '../jobs/declarative-registration.ts';
import { trySource, type TrySourceResult } from '../jobs/try-source.ts';

/**
 * `sources validate | try | add`: writing a declarative source file, seeing
 * what it reads, and registering it. `validate` and `try` never open the
 * store; only `add` writes.
 *
 * @example
 * registerSourcesAuthoring(program.command('sources'));
 */
export function registerSourcesAuthoring(sources: Command): void {
  sources
    .command('validate')
    .description('check a declarative source file (YAML or JSON); prints OK or every problem')
    .argument('<file>', 'the source file')
    .action((file: string) => {
      const spec = loadOrReport(file);
      if (spec) print(`${file}: OK (${spec.kind} source "${spec.name}", platform ${spec.platform})`);
    });

  sources
    .command('try')
    .description('read one page with a declarative source and print what it parses; writes nothing')
    .argument('<file>', 'the source file')
    .option('--url <url>', 'fetch this page instead of the first one (politely, honouring robots.txt)')
    .option('--fixture <file>', 'read this saved page instead of fetching')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  otcwatch sources try board.yaml --fixture saved-page.html\n  otcwatch sources try board.yaml --url "https://desk.example/otc?page=3" --json')
    .action(async (file: string, options: { url?: string; fixture?: string; json?: boolean }) => {
      if (options.url && options.fixture) throw new UsageError('give --url or --fixture, not both');
      const spec = loadOrReport(file);
      if (!spec) return;
      const result = await trySource(spec, { ...(options.url ? { url: options.url } : {}), ...(options.fixture ? { fixture: options.fixture } : {}) });
      if (options.json) printJson(jsonReport(spec, result), 2);
      else print(textReport(result));
      if (!result.outcome.ok) process.exitCode = 1;
    });

  sources
    .command('add')
    .description('validate a declarative source file and register it as a source (crawl it with: otcwatch crawl NAME)')
    .argument('<file>', 'the source file')
    .option('--base-url <url>', "crawl this base URL instead of the file's baseUrl (a mirror, a local test server)")
    .action(async (file: string, options: { baseUrl?: string }) => {
      const spec = loadOrReport(file);
      if (!spec) return;
      if (options.baseUrl) httpBaseUrl(options.baseUrl, '--base-url');
      await withStore(async (store) => {
        const existing = await findSource(store.db, spec.name);
        if (existing && existing.kind !== DECLARATIVE) {
          throw new UsageError(`source "${spec.name}" exists and uses the coded adapter ${existing.adapter}; give the file another name`);
        }
        await upsertSource(store.db, declarativeRegistration(spec, { spec, sourceFile: path.resolve(file) }, options.baseUrl));
        print(`source ${spec.name} ${existing ? 'updated' : 'added'} (declarative ${spec.kind}, platform ${spec.platform}); crawl it with: otcwatch crawl ${spec.name}`);
      });
    });
}

/** The validated spec, or null after printing every problem and setting exit code 1. */
function loadOrReport(file: string): DeclarativeSpec | null {
  try {
    return loadSourceFile(file);
  } catch (error) {
    if (!(error instanceof SourceFileError)) throw error;
    printError(error.message);
    process.exitCode = 1;
    return null;
  }
}

function textReport(result: TrySourceResult): string {
  const lines = [`${result.request.method ?? 'GET'} ${result.request.url}${result.from === result.request.url ? '' : ` (read from ${result.from})`} → HTTP ${result.status}`];
  if (!result.outcome.ok) return [...lines, `page failed: ${result.outcome.error}`].join('\n');
  const { listings, next } = result.outcome.parsed;
  // A kept row's unreadable fields are parse failures too, as the store records them.
  const failures = [...result.outcome.parsed.failures, ...listings.flatMap((l) => l.fieldFailures ?? [])];
  lines.push('', `listings (${listings.length}):`, formatTable(listings.map(listingRow), { maxCellWidth: 40 }));
  lines.push('', `parse failures (${failures.length}):`);
  if (failures.length > 0) lines.push(formatTable(failures.map((f) => ({ field: f.fieldPath, error: f.error, raw: f.raw })), { maxCellWidth: 60 }));
  lines.push('', `next page: ${next.length > 0 ? next.map((r) => `${r.method ?? 'GET'} ${r.url}${r.body ? ` ${r.body}` : ''}`).join(', ') : 'none (this is the last page)'}`);
  return lines.join('\n');
}

function listingRow(listing: NormalizedListing): Record<string, unknown> {
  return {
    listing: listing.listingKey,
    operator: listing.operatorKey,
    name: listing.operatorName,
    side: listing.side,
    asset: listing.asset,
    fiat: listing.fiat,
    price: listing.priceNegotiable ? 'negotiable' : listing.price,
    available: listing.available,
    limits: listing.minOrder === null && listing.maxOrder === null ? '' : `${listing.minOrder ?? ''}-${listing.maxOrder ?? ''}`,
    methods: listing.paymentMethods.map((m) => `${m.stance === 'refused' ? '-' : ''}${m.code ?? `?${m.raw}`}`).join(','),
    rate: listing.completionRate,
    orders: listing.orderCount,
  };
}

function jsonReport(spec: DeclarativeSpec, result: TrySourceResult): Record<string, unknown> {
  const base = { source: spec.name, request: { method: result.request.method ?? 'GET', url: result.request.url }, from: result.from, status: result.status };
  if (!result.outcome.ok) return { ...base, error: result.outcome.error };
  const { listings, failures, next } = result.outcome.parsed;
  return { ...base, listings, failures, next: next.map((r) => ({ method: r.method ?? 'GET', url: r.url, ...(r.body ? { body: r.body } : {}) })) };
}
