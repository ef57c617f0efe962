import test from 'ava';
import fc from 'fast-check';
import { normalizeAsset, normalizeFiat } from '../crawler/normalize/currency.ts';
import { compareDecimal, decimalFromJson, parseDecimal, shiftDecimal } from '../crawler/normalize/decimal.ts';
import { RowParseError } from '../crawler/normalize/normalize-error.ts';
import { findPaymentMethodsInText, matchPaymentMethod, PAYMENT_METHOD_CATALOG } from '../crawler/normalize/payment-methods.ts';
import { parseRange } from '../crawler/normalize/range.ts';
import { normalizeSide } from '../crawler/normalize/side.ts';
import { escapeControls } from '../crawler/normalize/text-hygiene.ts';
import { PageError } from '../crawler/source-adapter.ts';
import { parseRows } from '../crawler/sources/parse-rows.ts';
import type { RawListing } from '../crawler/normalize/listing.ts';
import { anyText, CANONICAL_DECIMAL, canonicalOf, fuzz, readOrReject } from './helpers/fuzz.ts';

const CODES = new Set(PAYMENT_METHOD_CATALOG.map((m) => m.code));

/** A decimal as a board prints it, with the value an independent BigInt oracle gives it. */
const printedDecimal = fc
  .record({
    whole: fc.bigInt({ min: 0n, max: 10n ** 15n }),
    fraction: fc.stringMatching(/^\d{0,6}$/),
    grouped: fc.boolean(),
    multiplier: fc.constantFrom(['', 0] as const, ['K', 3] as const, ['万', 4] as const, ['M', 6] as const),
    before: fc.constantFrom('', '¥', '¥ ', 'CNY ', 'US$', '€', '+'),
    after: fc.constantFrom('', ' USDT', ' CNY', '元', ' 人民币'),
    fullWidth: fc.boolean(),
  })
  .map(({ whole, fraction, grouped, multiplier: [mark, places], before, after, fullWidth }) => {
    const wholeText = grouped ? whole.toString().replace(/\B(?=(\d{3})+$)/g, ',') : whole.toString();
    let text = `${before}${wholeText}${fraction ? `.${fraction}` : ''}${mark}${after}`;
    if (fullWidth) text = text.replace(/[0-9.,]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const digits = BigInt(`${whole}${fraction}`);
    return { text, value: canonicalOf(digits, fraction.length - places) };
  });

test('fuzz parseDecimal: any text is a canonical decimal or a parse failure quoting it; printed amounts read as the oracle says', async (t) => {
  await fuzz(t, 'parseDecimal(any text)', fc.property(anyText, (text) => {
    const out = readOrReject(() => parseDecimal(text), text);
    if (typeof out === 'string') {
      if (!CANONICAL_DECIMAL.test(out)) throw new Error(`${JSON.stringify(text)} read as non-canonical ${out}`);
      if (parseDecimal(out) !== out) throw new Error(`not idempotent on ${out}`);
    }
  }));
  await fuzz(t, 'parseDecimal(printed amount)', fc.property(printedDecimal, ({ text, value }) => parseDecimal(text) === value));
});

test('fuzz decimal arithmetic and JSON amounts: compare and shift agree with BigInt; any JSON value is an amount or a failure at its path', async (t) => {
  const canonical = fc.record({ digits: fc.bigInt({ min: 0n, max: 10n ** 20n }), scale: fc.integer({ min: 0, max: 12 }) });
  await fuzz(t, 'compareDecimal/shiftDecimal', fc.property(canonical, canonical, fc.integer({ min: -12, max: 12 }), (a, b, k) => {
    const [x, y] = [canonicalOf(a.digits, a.scale), canonicalOf(b.digits, b.scale)];
    const scale = 12n;
    const [bx, by] = [a.digits * 10n ** (scale - BigInt(a.scale)), b.digits * 10n ** (scale - BigInt(b.scale))];
    const expected = bx < by ? -1 : bx > by ? 1 : 0;
    return compareDecimal(x, y) === expected && shiftDecimal(shiftDecimal(x, k), -k) === x && shiftDecimal(x, k) === canonicalOf(a.digits, a.scale - k);
  }));
  await fuzz(t, 'decimalFromJson(any JSON)', fc.property(fc.jsonValue({ maxDepth: 2 }), (value) => {
    try {
      const out = decimalFromJson(value, 'adv.price');
      return CANONICAL_DECIMAL.test(out);
    } catch (error) {
      if (!(error instanceof RowParseError) || error.fieldPath !== 'adv.price') throw error;
      return true;
    }
  }));
});

test('fuzz ranges: any text is a range of canonical amounts, min ≤ max, or a parse failure quoting it; printed ranges read as the oracle says', async (t) => {
  await fuzz(t, 'parseRange(any text)', fc.property(anyText, (text) => {
    const out = readOrReject(() => parseRange(text), text);
    if (out instanceof Error) return true;
    const sides = [out.min, out.max].filter((v): v is string => v !== null);
    return sides.length > 0 && sides.every((v) => CANONICAL_DECIMAL.test(v)) && (sides.length < 2 || compareDecimal(out.min!, out.max!) <= 0);
  }));
  const printed = fc.tuple(printedDecimal, printedDecimal, fc.constantFrom(' - ', '-', ' ~ ', '至', ' to ', '–'), fc.constantFrom('', '限额 ', 'Limits: '));
  await fuzz(t, 'parseRange(printed range)', fc.property(printed, ([a, b, separator, label]) => {
    const [low, high] = compareDecimal(a.value, b.value) <= 0 ? [a, b] : [b, a];
    // A separator that is also inside a side (the `-` of a code) is ambiguous; the property is about ranges.
    if (/[-–~至]|to/.test(low.text + high.text)) return true;
    const out = parseRange(`${label}${low.text}${separator}${high.text}`);
    return out.min === low.value && out.max === high.value;
  }));
});

test('fuzz currencies, assets and sides: any text is a code or a parse failure quoting it', async (t) => {
  await fuzz(t, 'normalizeFiat/normalizeAsset/normalizeSide(any text)', fc.property(anyText, (text) => {
    const fiat = readOrReject(() => normalizeFiat(text), text);
    const asset = readOrReject(() => normalizeAsset(text), text);
    const side = readOrReject(() => normalizeSide(text), text);
    return (fiat instanceof Error || /^[A-Z]{3}$/.test(fiat))
      && (asset instanceof Error || /^(?=.*[A-Z])[A-Z0-9]{2,10}$/.test(asset))
      && (side instanceof Error || side === 'buy' || side === 'sell');
  }));
});

test('fuzz payment methods: any name or text gives catalog codes or unknowns, never an exception; every alias reads as its method', async (t) => {
  const fiat = fc.constantFrom(undefined, 'CNY', 'EUR');
  await fuzz(t, 'matchPaymentMethod/findPaymentMethodsInText(any text)', fc.property(anyText, fiat, (text, currency) => {
    const context = currency ? { fiat: currency } : undefined;
    const one = readOrReject(() => matchPaymentMethod(text, context), text);
    const found = findPaymentMethodsInText(text, context);
    return (one instanceof Error || one.code === null || CODES.has(one.code)) && found.every((ref) => ref.code === null || CODES.has(ref.code));
  }));
  const alias = fc.constantFrom(...PAYMENT_METHOD_CATALOG.flatMap((m) => m.aliases.map((a) => [m.code, a] as const)));
  await fuzz(t, 'matchPaymentMethod(catalog alias)', fc.property(alias, ([code, spelling]) => matchPaymentMethod(spelling, { fiat: 'EUR' }).code === code));
});

/** A row field as a broken or hostile page gives it: text, numbers, JSON, nothing. */
const anyField = fc.oneof(anyText, fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined), fc.double(), printedDecimal.map((d) => d.text));

const rawListing: fc.Arbitrary<RawListing> = fc.record(
  {
    listingId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    operatorId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    operatorProfileUrl: fc.oneof(fc.string(), fc.webUrl(), fc.constant(null)),
    operatorName: anyField,
    side: fc.oneof(anyField, fc.constantFrom('sell', 'BUY', '出售')),
    asset: fc.oneof(anyField, fc.constantFrom('USDT', 'btc')),
    fiat: fc.oneof(anyField, fc.constantFrom('CNY', '¥')),
    price: anyField,
    available: anyField,
    minOrder: anyField,
    maxOrder: anyField,
    limits: fc.oneof(anyText, fc.constant(null)),
    paymentMethods: fc.array(anyField, { maxLength: 4 }),
    paymentMethodText: fc.oneof(anyText, fc.constant(null)),
    terms: anyField,
    completionRate: anyField,
    orderCount: anyField,
    monthOrderCount: anyField,
  },
  { requiredKeys: ['operatorName', 'side', 'asset', 'fiat', 'price'] },
);

test('fuzz listings: any extracted row is a listing or a parse failure with its raw row; a page fails only as a PageError keeping them', async (t) => {
  await fuzz(t, 'parseRows(any rows)', fc.property(fc.array(rawListing, { minLength: 1, maxLength: 5 }), (rows) => {
    const raw = (row: RawListing) => JSON.stringify(row) ?? '';
    const options = { platform: 'fuzz', url: 'http://127.0.0.1/p', raw, extract: (row: RawListing) => row };
    let failures;
    try {
      const page = parseRows(rows, options);
      failures = page.failures;
      if (page.listings.length + failures.length !== rows.length) throw new Error('a row was lost');
      for (const listing of page.listings) {
        // A kept row's price is a positive decimal, or null with its reason: negotiable, or a price field failure.
        if (listing.price === null) {
          if (!listing.priceNegotiable && !listing.fieldFailures?.some((f) => f.fieldPath === 'price')) throw new Error('a null price without its reason');
          continue;
        }
        if (!CANONICAL_DECIMAL.test(listing.price) || listing.price === '0') throw new Error(`bad price ${listing.price}`);
      }
    } catch (error) {
      if (!(error instanceof PageError)) throw error;
      failures = error.failures;
    }
    // Evidence text has its control characters escaped (DEL and C1 too, which JSON leaves raw).
    const raws = new Set(rows.map((row) => escapeControls(raw(row))));
    return failures.every((f) => raws.has(f.raw) && f.error.length > 0 && f.fieldPath !== null);
  }));
});
