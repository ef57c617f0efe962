import type { NormalizedListing, PaymentMethodRef } from '../listing.ts';
import { normalizeAsset, normalizeFiat } from './currency.ts';
import { compareDecimal, decimalFromJson, shiftDecimal } from './decimal.ts';
import { listingKeyOf, operatorKeyOf } from './identity.ts';
import { NormalizeError, RowParseError, quoteInput } from './normalize-error.ts';
import { findPaymentMethodsInText, matchPaymentMethod } from './payment-methods.ts';
import { parseRange } from './range.ts';
import { normalizeSide } from './side.ts';

/**
 * What an adapter pulls out of one row, untyped as found: strings, numbers,
 * nulls. `normalizeListing` does all the reading, so no adapter parses a
 * price or a payment method by itself.
 */
export interface RawListing {
  /** The platform's ad id; absent → a hashed key (see `listingKeyOf`). */
  listingId?: string | number | null;
  operatorId?: string | number | null;
  /** Absolute or page-relative link to the operator's profile. */
  operatorProfileUrl?: string | null;
  operatorName: unknown;
  /** The advertiser's side: `sell`, `BUY`, `出售`, `购买`, `ask`, `bid` (see `normalizeSide`). */
  side: unknown;
  asset: unknown;
  fiat: unknown;
  price: unknown;
  /** Quantity of the asset on offer. */
  available?: unknown;
  minOrder?: unknown;
  maxOrder?: unknown;
  /** A printed range (`限额 ¥500-¥50,000`), read only when `minOrder` and `maxOrder` are both absent. */
  limits?: string | null;
  /** Method names as listed (ids already mapped to names by the adapter). */
  paymentMethods?: unknown[];
  /** Free text to scan for methods: terms, icon alts, remarks. */
  paymentMethodText?: string | null;
  terms?: unknown;
  completionRate?: unknown;
  /** How `completionRate` is printed; default `fraction`. A trailing `%` always means percent. */
  completionRateScale?: 'fraction' | 'percent';
  orderCount?: unknown;
  monthOrderCount?: unknown;
}

/** Where the row came from. */
export interface ListingContext {
  /** Platform name, hashed into keys of listings without an id. */
  platform: string;
  /** The page URL, against which relative profile links resolve. */
  url?: string;
  /** Where each field sits in the platform's row, for failure paths: `{ price: 'adv.price' }`. */
  fieldPaths?: Partial<Record<keyof RawListing, string>>;
}

/**
 * Validates and normalizes one extracted row. Throws `RowParseError` naming
 * the first bad field (its `fieldPaths` path, else the `RawListing` name)
 * and the offending value. Optional fields that are null, undefined or blank
 * text come out null; payment methods from the list and from
 * `paymentMethodText` are merged, one per canonical code (unknowns one per
 * raw text), in order of appearance.
 *
 * @example
 * ```ts
 * const listing = normalizeListing(
 *   { listingId: '1158', operatorId: 's8f1', operatorName: '金沙承兑', side: 'SELL', asset: 'USDT', fiat: 'CNY',
 *     price: '7.26', limits: '500 - 11,037.59', paymentMethods: ['Alipay', 'BANK'], completionRate: 0.987 },
 *   { platform: 'binance', fieldPaths: { price: 'adv.price' } },
 * );
 * listing.paymentMethods; // [{ code: "alipay", raw: "Alipay" }, { code: "cn_bank_card", raw: "BANK" }]
 * ```
 */
export function normalizeListing(raw: RawListing, context: ListingContext): NormalizedListing {
  const at = (field: keyof RawListing) => context.fieldPaths?.[field] ?? field;

  const operatorName = read(at('operatorName'), () => requiredText(raw.operatorName));
  const operatorId = read(at('operatorId'), () => optionalId(raw.operatorId));
  const operatorProfileUrl = read(at('operatorProfileUrl'), () => optionalText(raw.operatorProfileUrl));
  const operatorKey = read(at('operatorProfileUrl'), () => operatorKeyOf({ operatorId, operatorProfileUrl, operatorName }, context.url));
  const side = read(at('side'), () => normalizeSide(requiredText(raw.side)));
  const asset = read(at('asset'), () => normalizeAsset(requiredText(raw.asset)));
  const fiat = read(at('fiat'), () => normalizeFiat(requiredText(raw.fiat)));

  const price = decimalFromJson(raw.price, at('price'));
  if (compareDecimal(price, '0') === 0) throw new RowParseError(at('price'), `${quoteInput(raw.price)} is zero; a listing needs a price`);
  const available = optionalDecimal(raw.available, at('available'));
  const { minOrder, maxOrder } = orderLimits(raw, at);

  const terms = read(at('terms'), () => optionalText(raw.terms));
  return {
    listingKey: read(at('listingId'), () => listingKeyOf({ platform: context.platform, listingId: optionalId(raw.listingId), operatorKey, side, asset, fiat, terms })),
    operatorKey,
    operatorName,
    side,
    asset,
    fiat,
    price,
    available,
    minOrder,
    maxOrder,
    paymentMethods: paymentMethodsOf(raw, fiat, at),
    terms,
    completionRate: completionRateOf(raw.completionRate, raw.completionRateScale ?? 'fraction', at('completionRate')),
    orderCount: optionalCount(raw.orderCount, at('orderCount')),
    monthOrderCount: optionalCount(raw.monthOrderCount, at('monthOrderCount')),
  };
}

type FieldPath = (field: keyof RawListing) => string;

/** Runs one field's reader, turning a bare NormalizeError into a RowParseError at `path`. */
function read<T>(path: string, reader: () => T): T {
  try {
    return reader();
  } catch (error) {
    if (error instanceof NormalizeError && !(error instanceof RowParseError)) throw new RowParseError(path, error.message, { cause: error });
    throw error;
  }
}

function isBlank(value: unknown): value is null | undefined | '' {
  return value == null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Text as stored. Postgres text cannot hold NUL (U+0000): a NUL in seller
 * text would abort the whole snapshot, so it is kept as U+FFFD, the
 * replacement character; everything else is kept exactly.
 */
function requiredText(value: unknown): string {
  if (typeof value !== 'string') throw new NormalizeError(`${quoteInput(value)} is not text`);
  const text = value.replace(/\u0000/g, '\ufffd').trim();
  if (text === '') throw new NormalizeError(`${quoteInput(value)} is empty`);
  return text;
}

function optionalText(value: unknown): string | null {
  return isBlank(value) ? null : requiredText(value);
}

/** Ids as text; a numeric id must still be exact, or two ads could collapse into one key. */
function optionalId(value: unknown): string | null {
  if (isBlank(value)) return null;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new NormalizeError(`${quoteInput(value)} is not an exact id; the adapter should pass ids as text`);
    return String(value);
  }
  return requiredText(value);
}

function optionalDecimal(value: unknown, path: string): string | null {
  return isBlank(value) ? null : decimalFromJson(value, path);
}

function orderLimits(raw: RawListing, at: FieldPath): { minOrder: string | null; maxOrder: string | null } {
  const minOrder = optionalDecimal(raw.minOrder, at('minOrder'));
  const maxOrder = optionalDecimal(raw.maxOrder, at('maxOrder'));
  if (minOrder === null && maxOrder === null && !isBlank(raw.limits)) {
    const range = read(at('limits'), () => parseRange(requiredText(raw.limits)));
    return { minOrder: range.min, maxOrder: range.max };
  }
  if (minOrder !== null && maxOrder !== null && compareDecimal(minOrder, maxOrder) > 0) {
    throw new RowParseError(at('minOrder'), `${quoteInput(raw.minOrder)} is above maxOrder ${quoteInput(raw.maxOrder)}`);
  }
  return { minOrder, maxOrder };
}

function paymentMethodsOf(raw: RawListing, fiat: string, at: FieldPath): PaymentMethodRef[] {
  if (raw.paymentMethods != null && !Array.isArray(raw.paymentMethods)) {
    throw new RowParseError(at('paymentMethods'), `${quoteInput(raw.paymentMethods)} is not a list`);
  }
  const listed = (raw.paymentMethods ?? []).map((name, index) =>
    read(`${at('paymentMethods')}[${index}]`, () => matchPaymentMethod(requiredText(name), { fiat })),
  );
  const text = read(at('paymentMethodText'), () => optionalText(raw.paymentMethodText));
  const mentioned = text === null ? [] : findPaymentMethodsInText(text, { fiat });
  const unique = new Map<string, PaymentMethodRef>();
  for (const ref of [...listed, ...mentioned]) {
    const key = ref.code ?? `raw:${ref.raw}`;
    if (!unique.has(key)) unique.set(key, ref);
  }
  return [...unique.values()];
}

/** A fraction 0..1; percent input (`98`, `"98%"`) is divided by 100 exactly. */
function completionRateOf(value: unknown, scale: 'fraction' | 'percent', path: string): string | null {
  if (isBlank(value)) return null;
  const percentSign = typeof value === 'string' && /[%％]\s*$/.test(value);
  const number = decimalFromJson(percentSign ? value.replace(/[%％]\s*$/, '') : value, path);
  const fraction = percentSign || scale === 'percent' ? shiftDecimal(number, -2) : number;
  if (compareDecimal(fraction, '1') > 0) {
    const hint = scale === 'fraction' && !percentSign ? '; if the site prints a percentage, set completionRateScale: "percent"' : '';
    throw new RowParseError(path, `${quoteInput(value)} is above 100%${hint}`);
  }
  return fraction;
}

function optionalCount(value: unknown, path: string): number | null {
  if (isBlank(value)) return null;
  const count = decimalFromJson(value, path);
  if (count.includes('.')) throw new RowParseError(path, `${quoteInput(value)} is not a whole number`);
  if (!Number.isSafeInteger(Number(count))) throw new RowParseError(path, `${quoteInput(value)} is too large to count exactly`);
  return Number(count);
}
