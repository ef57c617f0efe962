import type { ListingSide } from '../listing.ts';
import { RowParseError, quoteInput } from '../normalize/normalize-error.ts';
import type { PageRequest } from '../source-adapter.ts';

/**
 * One book of a P2P marketplace: ads for one asset against one fiat, from
 * advertisers on one side, optionally filtered by payment methods.
 */
export interface MarketCell {
  /** Upper-case ticker as configured, e.g. `USDT`. */
  asset: string;
  /** Upper-case ISO 4217 code as configured, e.g. `CNY`. */
  fiat: string;
  /** The advertisers' side: `sell` = sellers' ads, the ones a mainland buyer pays into. */
  side: ListingSide;
  /** The platform's own payment filter values (`ALIPAY`, `2`, ...); empty = every method. */
  payTypes: string[];
}

/** A page of one cell: what a matrix adapter carries in `PageRequest.meta`. */
export interface MatrixPage {
  cell: MarketCell;
  /** 1-based page number; 1 for unpaged books. */
  page: number;
  /** The last page of the plan that asked for this one (`PageCounts.plannedThrough`). */
  plannedThrough?: number;
}

/** What a source crawls when its params say nothing: USDT and BTC against CNY, both sides. */
export const DEFAULT_MATRIX = { assets: ['USDT', 'BTC'], fiats: ['CNY'], sides: ['sell', 'buy'] } as const;

/**
 * Expands a source's `params` (`assets`, `fiats`, `sides`, `payTypes`) into
 * cells, asset × fiat × side, in that order. `payTypes` is a filter: a
 * platform that takes a list per request gets it whole (`together`); one
 * that takes a single method per request gets one cell per method (`each`).
 * Bad params throw, naming the param, so the run fails before any request.
 *
 * @example
 * ```ts
 * expandMatrix({ assets: ['USDT'], payTypes: ['ALIPAY', 'WECHAT'] }, 'together');
 * // [{ asset: 'USDT', fiat: 'CNY', side: 'sell', payTypes: ['ALIPAY', 'WECHAT'] },
 * //  { asset: 'USDT', fiat: 'CNY', side: 'buy', payTypes: ['ALIPAY', 'WECHAT'] }]
 * ```
 */
export function expandMatrix(params: Record<string, unknown>, payTypes: 'together' | 'each'): MarketCell[] {
  const assets = textList(params, 'assets', DEFAULT_MATRIX.assets, true).map((a) => a.toUpperCase());
  const fiats = textList(params, 'fiats', DEFAULT_MATRIX.fiats, true).map((f) => f.toUpperCase());
  const sides = textList(params, 'sides', DEFAULT_MATRIX.sides, true).map((side) => {
    if (side !== 'sell' && side !== 'buy') throw new Error(`params.sides: ${quoteInput(side)} is not "sell" or "buy" (the advertisers' side)`);
    return side as ListingSide;
  });
  const filters = textList(params, 'payTypes', [], false);
  const filterSets = payTypes === 'together' || filters.length === 0 ? [filters] : filters.map((f) => [f]);
  return assets.flatMap((asset) => fiats.flatMap((fiat) => sides.flatMap((side) => filterSets.map((set) => ({ asset, fiat, side, payTypes: set })))));
}

/**
 * The `meta` of a matrix page request, read back by `matrixPageOf`.
 *
 * @example
 * ({ url, method: 'POST', body, meta: matrixMeta({ cell, page: 2 }) });
 */
export function matrixMeta(at: MatrixPage): Record<string, unknown> {
  return { cell: at.cell, page: at.page, ...(at.plannedThrough === undefined ? {} : { plannedThrough: at.plannedThrough }) };
}

/**
 * Reads the cell and page a request was planned for; a request without
 * them is the adapter's bug, not the platform's.
 *
 * @example
 * const { cell, page } = matrixPageOf(request);
 */
export function matrixPageOf(request: PageRequest): MatrixPage {
  const { cell, page, plannedThrough } = request.meta ?? {};
  if (!isMarketCell(cell) || typeof page !== 'number' || !Number.isInteger(page) || page < 1 || !(plannedThrough === undefined || Number.isInteger(plannedThrough))) {
    throw new Error(`${request.url}: request meta ${quoteInput(request.meta)} is not a matrix page; plan requests with matrixMeta()`);
  }
  return { cell, page, ...(plannedThrough === undefined ? {} : { plannedThrough: plannedThrough as number }) };
}

/**
 * Names a matrix page in messages, since POST pages all share one URL.
 *
 * @example
 * describeMatrixPage({ cell: { asset: 'USDT', fiat: 'CNY', side: 'sell', payTypes: [] }, page: 2 }); // "USDT/CNY sellers' ads, page 2"
 */
export function describeMatrixPage(at: MatrixPage): string {
  const filter = at.cell.payTypes.length > 0 ? ` paying by ${at.cell.payTypes.join('/')}` : '';
  return `${at.cell.asset}/${at.cell.fiat} ${at.cell.side === 'sell' ? 'sellers' : 'buyers'}' ads${filter}, page ${at.page}`;
}

/**
 * Reads a row's advertiser side through the platform's spellings and checks
 * it against the book the row was requested from. Platforms speak of sides
 * from the taker's or the advertiser's point of view; a row contradicting
 * its book means that reading is wrong (or the platform changed it), so the
 * row fails instead of being stored on the wrong side.
 *
 * @example
 * advertiserSide('SELL', { SELL: 'sell', BUY: 'buy' }, cell, 'adv.tradeType'); // "sell" when cell.side is sell
 */
export function advertiserSide(value: unknown, spellings: Readonly<Record<string, ListingSide>>, cell: MarketCell, fieldPath: string): ListingSide {
  const key = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  const side = key === undefined ? undefined : spellings[key];
  if (side === undefined) {
    throw new RowParseError(fieldPath, `${quoteInput(value)} is not a known side (${Object.keys(spellings).join(', ')})`);
  }
  if (side !== cell.side) {
    throw new RowParseError(fieldPath, `${quoteInput(value)} reads as a ${side} ad in the book of ${cell.side} ads; side semantics changed?`);
  }
  return side;
}

function textList(params: Record<string, unknown>, name: string, fallback: readonly string[], required: boolean): string[] {
  const value = params[name];
  if (value === undefined || value === null) return [...fallback];
  const valid = Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim() !== '') && (!required || value.length > 0);
  if (!valid) throw new Error(`params.${name}: expected a ${required ? 'non-empty ' : ''}list of names like ${JSON.stringify(fallback.length > 0 ? fallback : ['ALIPAY'])}, got ${quoteInput(value)}`);
  return (value as string[]).map((item) => item.trim());
}

function isMarketCell(value: unknown): value is MarketCell {
  if (typeof value !== 'object' || value === null) return false;
  const cell = value as Record<string, unknown>;
  return (
    typeof cell.asset === 'string' &&
    typeof cell.fiat === 'string' &&
    (cell.side === 'sell' || cell.side === 'buy') &&
    Array.isArray(cell.payTypes) &&
    cell.payTypes.every((p) => typeof p === 'string')
  );
}
