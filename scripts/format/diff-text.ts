import type { DiffRunInfo, ListingFact, RunDiff } from '../../store/diff/run-diff.ts';
import { listingLabel, pct, percent } from '../output/diff-lines.ts';

/**
 * A diff for people: the runs compared, then each non-empty group of facts
 * with operator names and amounts, domestic payment methods first. `limit`
 * caps the lines shown per group (the demo shows a few; the CLI all).
 *
 * @example
 * console.log(formatDiff(diff));
 * // Payment methods added, domestic (1)
 * //   金沙承兑 [id:s0012] +Alipay on ad000017, ad000018
 */
export function formatDiff(diff: RunDiff, options: { limit?: number } = {}): string {
  const out: string[] = [
    `${diff.sourceId}: run #${diff.from.id} ${runLabel(diff.from)} → run #${diff.to.id} ${runLabel(diff.to)}`,
  ];
  if (!diff.vanishedReported) out.push(`  the to-run is ${diff.to.status}: operators, listings and methods it lacks are not reported as gone`);
  const group = <T>(title: string, items: readonly T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    const shown = options.limit === undefined ? items : items.slice(0, options.limit);
    out.push(`${title} (${items.length})`, ...shown.map((item) => `  ${line(item)}`));
    if (shown.length < items.length) out.push(`  … ${items.length - shown.length} more (otcwatch diff ${diff.sourceId} --from ${diff.from.id} --to ${diff.to.id})`);
  };
  const opMethods = diff.methods.operators;
  const methodLine = (sign: string) => (m: (typeof opMethods.added)[number]) => `${m.operatorName} [${m.operatorKey}] ${sign}${m.methodName} on ${m.listingKeys.join(', ')}`;
  group('Payment methods added, domestic', opMethods.added.filter((m) => m.domestic), methodLine('+'));
  group('Payment methods added, other', opMethods.added.filter((m) => !m.domestic), methodLine('+'));
  group('Payment methods dropped', opMethods.dropped, methodLine('−'));
  group('Listing payment methods added', diff.methods.listings.added, (m) => `${listingLabel(m)} +${m.methodName}${m.domestic ? ' (domestic)' : ''}`);
  group('Listing payment methods dropped', diff.methods.listings.dropped, (m) => `${listingLabel(m)} −${m.methodName}${m.domestic ? ' (domestic)' : ''}`);
  const operatorLine = (o: (typeof diff.operators.appeared)[number]) => `${o.operatorName} [${o.operatorKey}], ${o.listings} listing${o.listings === 1 ? '' : 's'}`;
  group('Operators appeared', diff.operators.appeared, operatorLine);
  group('Operators vanished', diff.operators.vanished, operatorLine);
  group('Listings appeared', diff.listings.appeared, listingLine);
  group('Listings vanished', diff.listings.vanished, listingLine);
  group(`Price moves ≥ ${pct(diff.thresholds.price)}`, diff.priceMoves, (m) => `${listingLabel(m)} ${m.old} → ${m.new} ${m.fiat} (${percent(m)})`);
  group(`Volume moves ≥ ${pct(diff.thresholds.volume)}`, diff.volumeMoves, (m) => `${listingLabel(m)} ${m.old} → ${m.new} ${m.asset} (${percent(m)})`);
  if (out.length === (diff.vanishedReported ? 1 : 2)) out.push('no changes');
  return out.join('\n');
}

/**
 * The names behind a diff's counts in two to four short lines, for the
 * demo: who appeared and vanished, payment methods gained and lost by
 * operators (domestic first), and the largest moves.
 *
 * @example
 * diffHighlights(diff);
 * // [ 'operators +2: 汇通币行C, Silk Road OTC; −1: 龙腾币行',
 * //   'payment methods: FastTrade +WeChat Pay (domestic); 盛世商行C −WeChat Pay (domestic)' ]
 */
export function diffHighlights(diff: RunDiff, perLine = 3): string[] {
  const names = (items: readonly { operatorName: string }[]) =>
    items.slice(0, perLine).map((i) => i.operatorName).join(', ') + (items.length > perLine ? `, +${items.length - perLine} more` : '');
  const { appeared, vanished } = diff.operators;
  const lines = [`operators +${appeared.length}${appeared.length ? `: ${names(appeared)}` : ''}` +
    (diff.vanishedReported ? `; −${vanished.length}${vanished.length ? `: ${names(vanished)}` : ''}` : '')];
  const { added, dropped } = diff.methods.operators;
  const methods = [
    ...[...added].sort((a, b) => Number(b.domestic) - Number(a.domestic)).map((m) => `${m.operatorName} +${m.methodName}${m.domestic ? ' (domestic)' : ''}`),
    ...dropped.map((m) => `${m.operatorName} −${m.methodName}${m.domestic ? ' (domestic)' : ''}`),
  ];
  if (methods.length > 0) lines.push(`payment methods: ${methods.join('; ')}`);
  for (const [label, moves] of [[`price moves ≥ ${pct(diff.thresholds.price)}`, diff.priceMoves], [`volume moves ≥ ${pct(diff.thresholds.volume)}`, diff.volumeMoves]] as const) {
    if (moves.length === 0) continue;
    const shown = moves.slice(0, perLine).map((m) => `${m.operatorName} ${m.listingKey} ${m.old} → ${m.new} (${percent(m)})`);
    lines.push(`${label}: ${shown.join('; ')}${moves.length > perLine ? `; +${moves.length - perLine} more` : ''}`);
  }
  return lines;
}

function listingLine(l: ListingFact): string {
  const available = l.available === null ? '' : `, ${l.available} ${l.asset} available`;
  const price = l.price === null ? 'no price' : `${l.price} ${l.fiat}`;
  return `${listingLabel(l)} @ ${price}${available}; ${l.methods.join(', ') || 'no methods'}`;
}

function runLabel(run: DiffRunInfo): string {
  return `(${run.status}, ${run.startedAt.toISOString()}, ${run.listings} listings)`;
}
