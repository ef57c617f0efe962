import type { ListingRef, MoveFact, RunDiff } from '../../store/diff/run-diff.ts';

// Text the application writes itself (log lines, alert subjects): it lives
// apart from the CLI's formatting, which builds on it.

/**
 * A diff in one line of counts, for logs and the demo.
 *
 * @example
 * diffSummaryLine(diff);
 * // "demo-api run #3 → #4: operators +3 −2, listings +5 −4, methods +3 (2 domestic) −1, 0 price moves ≥ 1%, 7 volume moves ≥ 20%"
 */
export function diffSummaryLine(diff: RunDiff): string {
  const { operators, listings, methods } = diff;
  const added = methods.operators.added;
  const vanished = (n: number) => (diff.vanishedReported ? ` −${n}` : '');
  return (
    `${diff.sourceId} run #${diff.from.id} → #${diff.to.id}${diff.vanishedReported ? '' : ` (${diff.to.status}: no vanishes)`}: ` +
    `operators +${operators.appeared.length}${vanished(operators.vanished.length)}, ` +
    `listings +${listings.appeared.length}${vanished(listings.vanished.length)}, ` +
    `methods +${added.length} (${added.filter((m) => m.domestic).length} domestic)${vanished(methods.operators.dropped.length)}, ` +
    `${diff.priceMoves.length} price moves ≥ ${pct(diff.thresholds.price)}, ${diff.volumeMoves.length} volume moves ≥ ${pct(diff.thresholds.volume)}`
  );
}

/** `金沙承兑 sell USDT/CNY ad000017` */
export function listingLabel(ref: ListingRef): string {
  return `${ref.operatorName} ${ref.side} ${ref.asset}/${ref.fiat} ${ref.listingKey}`;
}

/** A move's relative change for people: `+1.24%`, `−33.33%`, or `from 0`. */
export function percent(move: MoveFact): string {
  if (move.change === null) return 'from 0';
  const value = Number(move.change) * 100;
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}%`;
}

/** A threshold for people: `0.01` → `1%`. */
export function pct(fraction: number): string {
  return `${Number((fraction * 100).toFixed(4))}%`;
}
