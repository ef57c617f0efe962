import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import * as cheerio from 'cheerio';
import type { Element } from 'domhandler';
import { declarativeAdapter } from '../../crawler/declarative/declarative-adapter.ts';
import { loadShippedSource } from '../../crawler/declarative/stored-source.ts';
import type { RawListing } from '../../crawler/normalize/listing.ts';
import type { FetchedPage, ParsedPage, SourceConfig } from '../../crawler/source-adapter.ts';
import { parseRows } from '../../crawler/sources/parse-rows.ts';
import { DEFAULT_POLITENESS } from '../jobs/source-config.ts';
import { median } from './median.ts';
import { repoPath } from './repo-path.ts';

const TARGET_BYTES = 1024 * 1024;
const REPETITIONS = 9;
const FIXTURE = repoPath('test/fixtures/declarative/example-cn-board.html');

/**
 * Parsing speed of a declarative `html` source against a hand-written
 * cheerio parser of the same page: the worked Chinese board example
 * (`example-cn-board.yaml`) on a ~1 MB page made by repeating the cards of
 * its fixture page with fresh ids. Both parse, normalize and collect
 * failures the same way (through `parseRows`), and must produce identical
 * results before anything is timed. Repetitions alternate, median reported.
 */
export async function run(): Promise<void> {
  const spec = loadShippedSource('example-cn-board.yaml');
  const adapter = declarativeAdapter(spec);
  const source: SourceConfig = { id: spec.name, adapter: adapter.name, baseUrl: spec.baseUrl, params: adapter.defaultParams ?? {}, politeness: DEFAULT_POLITENESS, maxPages: 1 };
  const [request] = adapter.startRequests(source);
  const page = await bigBoardPage(request!.url);
  const rows = cheerio.load(page.body)('ul.offer-list > li.offer').length;

  const declarative = () => adapter.parse(page, request!, source);
  const handWritten = () => parseCardsByHand(page);
  const reference = handWritten();
  const checked = declarative();
  const same = isDeepStrictEqual([checked.listings, checked.failures], [reference.listings, reference.failures]) && isDeepStrictEqual(checked.next.map((r) => r.url), reference.next);
  if (!same) throw new Error('declarative-bench: the two parsers disagree; the comparison would be meaningless');

  const times = { declarative: [] as number[], handWritten: [] as number[] };
  for (let i = 0; i < REPETITIONS; i += 1) {
    times.declarative.push(timed(declarative));
    times.handWritten.push(timed(handWritten));
  }
  console.log(`command: npm run bench declarative   (page ${(Buffer.byteLength(page.body) / 1024 / 1024).toFixed(2)} MB, ${rows} rows, ${reference.failures.length} parse failures, ${REPETITIONS} repetitions, median)`);
  for (const [name, samples] of Object.entries(times)) {
    const ms = median(samples);
    console.log(`${name === 'declarative' ? 'declarative html source' : 'hand-written cheerio   '}: ${ms.toFixed(1)} ms/page → ${Math.round(rows / (ms / 1000))} rows/s`);
  }
  console.log(`declarative / hand-written time: ${(median(times.declarative) / median(times.handWritten)).toFixed(2)}×`);
}

/** The fixture page with its cards repeated (fresh offer and seller ids) until the page passes 1 MB. */
async function bigBoardPage(url: string): Promise<FetchedPage> {
  const fixture = await readFile(FIXTURE, 'utf8');
  const cards = fixture.match(/<li class="offer"[^]*?<\/li>/g) ?? [];
  const parts: string[] = [];
  let bytes = fixture.length;
  for (let copy = 0; bytes < TARGET_BYTES; copy += 1) {
    for (const card of cards) {
      const fresh = card.replace(/data-offer-id="(\d+)"/, (_, id: string) => `data-offer-id="${id}${copy}"`).replace(/uid=(\d+)/, (_, id: string) => `uid=${id}${copy}`);
      parts.push(fresh);
      bytes += Buffer.byteLength(fresh);
    }
  }
  const body = fixture.replace(/<ul class="offer-list">[^]*<\/ul>/, `<ul class="offer-list">\n${parts.join('\n')}\n</ul>`);
  return { url, status: 200, headers: {}, body, fetchedAt: new Date(), sha256: createHash('sha256').update(body).digest('hex') };
}

/** What a developer would write by hand for this board, field for field what example-cn-board.yaml declares. */
function parseCardsByHand(page: FetchedPage): { listings: ParsedPage['listings']; failures: ParsedPage['failures']; next: string[] } {
  const $ = cheerio.load(page.body);
  const cards = $('ul.offer-list > li.offer').toArray();
  const parsed = parseRows(cards, { platform: 'example-cn-board', url: page.url, raw: (card) => $.html(card), extract: (card) => cardByHand($, card), maxFailureShare: 0.34 });
  const next = $('.pagination a.next').attr('href');
  return { ...parsed, next: next ? [new URL(next, page.url).toString()] : [] };
}

function cardByHand($: cheerio.CheerioAPI, card: Element): RawListing {
  const at = (selector: string) => $(card).find(selector).first();
  const text = (selector: string) => at(selector).text().trim();
  const profile = at('.merchant a.name').attr('href');
  return {
    listingId: $(card).attr('data-offer-id') ?? null,
    operatorId: profile?.match(/uid=(\d+)/u)?.[1] ?? null,
    operatorProfileUrl: profile ?? null,
    operatorName: text('.merchant .name'),
    side: text('.trade-side'),
    asset: text('.coin'),
    fiat: 'CNY',
    price: text('.unit-price em'),
    available: text('.stock').match(/数量\s*(.+)/u)?.[1] ?? null,
    limits: text('.quota'),
    paymentMethods: $(card).find('.pay-icons img, .pay-icons i').toArray().map((icon) => iconName($(icon))).filter((name) => name !== null),
    paymentMethodSource: 'icon',
    paymentMethodText: text('.remark'),
    terms: text('.remark'),
    completionRate: text('.stats .rate').match(/([\d.]+%)/u)?.[1] ?? null,
    orderCount: text('.stats .deals').match(/([\d,]+)/u)?.[1] ?? null,
  };
}

/** alt, else title, else the `icon-<method>` class, else the file name: what this board's icons carry. */
function iconName(icon: cheerio.Cheerio<Element>): string | null {
  const fromClass = /(?:^|\s)icon-([a-z]+)/.exec(icon.attr('class') ?? '')?.[1];
  const file = icon.attr('src')?.split('/').pop()?.replace(/\.[a-z]+$/, '');
  return icon.attr('alt') || icon.attr('title') || fromClass || file || null;
}

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}
