import type { NormalizedListing, ParseFailure, PaymentMethodRef, PaymentMethodSource } from '../listing.ts';
import type { UndecodableBytes } from '../source-adapter.ts';
import { normalizeAsset, normalizeFiat } from './currency.ts';
import { compareDecimal, decimalFromJson, shiftDecimal } from './decimal.ts';
import { listingKeyOf, operatorKeyOf } from './identity.ts';
import { jsonText } from './json-text.ts';
import { NormalizeError, RowParseError, quoteInput } from './normalize-error.ts';
import { readMethodsInText } from './method-phrases.ts';
import { matchPaymentMethod } from './payment-methods.ts';
import { parseRange } from './range.ts';
import { normalizeSide } from './side.ts';
import { cleanText } from './text-hygiene.ts';

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
  /** Where `paymentMethods` were read: the platform's method field (default) or icons and badges. */
  paymentMethodSource?: Exclude<PaymentMethodSource, 'text'>;
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
  /** The page's undecodable byte runs (`FetchedPage.undecodable`), so a field holding U+FFFD is noted with its raw bytes. */
  undecodable?: readonly UndecodableBytes[];
}

/**
 * Validates and normalizes one extracted row, keeping every field it can
 * read. A row without its identity (operator, side, asset, fiat, a readable
 * id) or without any price at all throws `RowParseError` naming the field:
 * that is a lost row, recorded as a parse failure with the raw row. Any
 * other field that does not read — a price `N/A`, a `lots` available, a
 * `101%` rate — comes out null and is listed in `fieldFailures`, so the
 * listing and its seller are still stored. A negotiable price (面议, 私聊,
 * negotiable) is null with `priceNegotiable`. Control characters are
 * removed from every text, and text holding undecodable bytes (U+FFFD) is
 * kept; both are noted in `fieldFailures`.
 *
 * Payment methods come from the list (`paymentMethodSource`: structured or
 * icon, always accepted) and from `paymentMethodText`, read in context by
 * `readMethodsInText` (accepted or refused; a contact handle is not a
 * method). One per canonical code (unknowns one per raw text), the list's
 * first: a platform's own method field outranks its seller's prose.
 *
 * @example
 * ```ts
 * const listing = normalizeListing(
 *   { listingId: '1158', operatorId: 's8f1', operatorName: '金沙承兑', side: 'SELL', asset: 'USDT', fiat: 'CNY',
 *     price: '面议', limits: '500 - 11,037.59', paymentMethods: ['Alipay'], paymentMethodText: '不收微信', completionRate: 0.987 },
 *   { platform: 'binance', fieldPaths: { price: 'adv.price' } },
 * );
 * listing.price; // null (listing.priceNegotiable: true)
 * listing.paymentMethods;
 * // [{ code: "alipay", raw: "Alipay", stance: "accepted", source: "structured" },
 * //  { code: "wechat_pay", raw: "微信", stance: "refused", source: "text" }]
 * ```
 */
export function normalizeListing(raw: RawListing, context: ListingContext): NormalizedListing {
  const at = (field: keyof RawListing) => context.fieldPaths?.[field] ?? field;
  const fieldFailures: ParseFailure[] = [];
  const url = context.url ?? null;
  const note = (path: string, reason: string, value: unknown) =>
    fieldFailures.push({ raw: rawTextOf(value), error: `${path}: ${reason}`, fieldPath: path, url });
  /** Reads an optional field; one that does not read is null (or `fallback`), noted, and never costs the row. */
  const soft = <T>(path: string, value: unknown, reader: () => T, fallback: T): T => {
    try {
      return read(path, reader);
    } catch (error) {
      if (!(error instanceof RowParseError)) throw error;
      fieldFailures.push({ raw: rawTextOf(value), error: error.message, fieldPath: error.fieldPath, url });
      return fallback;
    }
  };
  const clean = cleanRow(raw, at, context.undecodable ?? [], note);

  const operatorName = read(at('operatorName'), () => requiredText(clean.operatorName));
  const operatorId = read(at('operatorId'), () => optionalId(clean.operatorId));
  const operatorProfileUrl = read(at('operatorProfileUrl'), () => optionalText(clean.operatorProfileUrl));
  const operatorKey = read(at('operatorProfileUrl'), () => operatorKeyOf({ operatorId, operatorProfileUrl, operatorName }, context.url));
  const side = read(at('side'), () => normalizeSide(requiredText(clean.side)));
  const asset = read(at('asset'), () => normalizeAsset(requiredText(clean.asset)));
  const fiat = read(at('fiat'), () => normalizeFiat(requiredText(clean.fiat)));
  const listingId = read(at('listingId'), () => optionalId(clean.listingId));

  const { price, priceNegotiable } = priceOf(clean.price, at('price'), soft);
  const available = soft(at('available'), clean.available, () => optionalDecimal(clean.available, at('available')), null);
  const { minOrder, maxOrder } = orderLimits(clean, at, soft);
  const terms = soft(at('terms'), clean.terms, () => optionalText(clean.terms), null);
  return {
    listingKey: listingKeyOf({ platform: context.platform, listingId, operatorKey, side, asset, fiat, terms }),
    operatorKey,
    operatorName,
    side,
    asset,
    fiat,
    price,
    priceNegotiable,
    available,
    minOrder,
    maxOrder,
    paymentMethods: paymentMethodsOf(clean, fiat, at, soft),
    terms,
    completionRate: soft(at('completionRate'), clean.completionRate, () => completionRateOf(clean.completionRate, clean.completionRateScale ?? 'fraction', at('completionRate')), null),
    orderCount: soft(at('orderCount'), clean.orderCount, () => optionalCount(clean.orderCount, at('orderCount')), null),
    monthOrderCount: soft(at('monthOrderCount'), clean.monthOrderCount, () => optionalCount(clean.monthOrderCount, at('monthOrderCount')), null),
    fieldFailures,
  };
}

/** How sellers print "price by agreement"; such a listing has no price by design. */
const NEGOTIABLE = /^(?:价格)?(?:面议|面議|私聊|议价|議價|电议|電議|可议|私信|详谈|詳談|negotiable|negotiate|price\s+on\s+request|p\.?o\.?r\.?)$/iu;

type Soft = <T>(path: string, value: unknown, reader: () => T, fallback: T) => T;

/**
 * The price: absent is a lost row (a renamed field must fail the page as a
 * layout change, not store priceless listings); negotiable is null by
 * design, noted; unreadable or zero is null, noted.
 */
function priceOf(value: unknown, path: string, soft: Soft): { price: string | null; priceNegotiable: boolean } {
  if (isBlank(value)) decimalFromJson(value, path);
  if (typeof value === 'string' && NEGOTIABLE.test(value.normalize('NFKC').trim())) {
    soft(path, value, () => {
      throw new RowParseError(path, `${quoteInput(value)} is a negotiable price; stored with price null and price_negotiable`);
    }, null);
    return { price: null, priceNegotiable: true };
  }
  const price = soft(path, value, () => {
    const decimal = decimalFromJson(value, path);
    if (compareDecimal(decimal, '0') === 0) throw new RowParseError(path, `${quoteInput(value)} is zero; a listing needs a price`);
    return decimal;
  }, null);
  return { price, priceNegotiable: false };
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

/** Text as stored; control characters (NUL among them, which Postgres text cannot hold) are already gone (`cleanRow`). */
function requiredText(value: unknown): string {
  if (typeof value !== 'string') throw new NormalizeError(`${quoteInput(value)} is not text`);
  if (value.trim() === '') throw new NormalizeError(`${quoteInput(value)} is empty`);
  return value.trim();
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

/** Order limits: each field on its own, then a printed range when both are absent; a minimum above the maximum drops both. */
function orderLimits(raw: RawListing, at: FieldPath, soft: Soft): { minOrder: string | null; maxOrder: string | null } {
  const minOrder = soft(at('minOrder'), raw.minOrder, () => optionalDecimal(raw.minOrder, at('minOrder')), null);
  const maxOrder = soft(at('maxOrder'), raw.maxOrder, () => optionalDecimal(raw.maxOrder, at('maxOrder')), null);
  if (isBlank(raw.minOrder) && isBlank(raw.maxOrder) && !isBlank(raw.limits)) {
    const range = soft(at('limits'), raw.limits, () => parseRange(requiredText(raw.limits)), null);
    return { minOrder: range?.min ?? null, maxOrder: range?.max ?? null };
  }
  if (minOrder !== null && maxOrder !== null && compareDecimal(minOrder, maxOrder) > 0) {
    return soft(at('minOrder'), { minOrder: raw.minOrder, maxOrder: raw.maxOrder }, () => {
      throw new RowParseError(at('minOrder'), `${quoteInput(raw.minOrder)} is above maxOrder ${quoteInput(raw.maxOrder)}`);
    }, { minOrder: null, maxOrder: null });
  }
  return { minOrder, maxOrder };
}

function paymentMethodsOf(raw: RawListing, fiat: string, at: FieldPath, soft: Soft): PaymentMethodRef[] {
  const source = raw.paymentMethodSource ?? 'structured';
  const names = soft(at('paymentMethods'), raw.paymentMethods, () => {
    if (raw.paymentMethods != null && !Array.isArray(raw.paymentMethods)) throw new RowParseError(at('paymentMethods'), `${quoteInput(raw.paymentMethods)} is not a list`);
    return raw.paymentMethods ?? [];
  }, []);
  const listed = names.flatMap((name, index) => {
    const path = `${at('paymentMethods')}[${index}]`;
    const ref = soft(path, name, () => read(path, () => matchPaymentMethod(requiredText(name), { fiat })), null);
    return ref === null ? [] : [{ ...ref, stance: 'accepted' as const, source }];
  });
  const text = soft(at('paymentMethodText'), raw.paymentMethodText, () => optionalText(raw.paymentMethodText), null);
  const mentioned = text === null ? [] : readMethodsInText(text, { fiat }).methods;
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

/**
 * The row with every text cleaned (`cleanText`): control characters gone,
 * each cleaning noted at its field's path. Identity fields are cleaned too,
 * so a NUL in a seller's name still keys the same seller every run.
 */
function cleanRow(raw: RawListing, at: FieldPath, undecodable: readonly UndecodableBytes[], note: (path: string, reason: string, value: unknown) => void): RawListing {
  const cleanAt = (path: string, value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const cleaned = cleanText(value, undecodable);
    for (const reason of cleaned.notes) note(path, reason, value);
    return cleaned.text;
  };
  const out: Record<string, unknown> = { ...raw };
  for (const [field, value] of Object.entries(raw)) {
    if (field === 'paymentMethods' && Array.isArray(value)) out[field] = value.map((name, index) => cleanAt(`${at('paymentMethods')}[${index}]`, name));
    else out[field] = cleanAt(at(field as keyof RawListing), value);
  }
  return out as unknown as RawListing;
}

/** A field's value as the raw text of its parse failure: text as is, anything else as JSON. */
function rawTextOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return jsonText(value);
}
