import type { ExecutionContext } from 'ava';
import fc from 'fast-check';
import { NormalizeError, quoteInput } from '../../crawler/normalize/normalize-error.ts';

/**
 * Cases per property: `OTCWATCH_FUZZ_RUNS`, default 10,000 (what CI runs).
 * `OTCWATCH_FUZZ_SEED` replays a failure fast-check reported.
 */
export const FUZZ_RUNS = Number(process.env.OTCWATCH_FUZZ_RUNS ?? 10_000);
const SEED = process.env.OTCWATCH_FUZZ_SEED === undefined ? undefined : Number(process.env.OTCWATCH_FUZZ_SEED);

/**
 * Checks a property over `FUZZ_RUNS` cases and logs how many ran, so the
 * suite's figures can be read off the test output.
 *
 * @example
 * await fuzz(t, 'parseDecimal', fc.property(fc.string(), (s) => { ... }));
 */
export async function fuzz<T>(t: ExecutionContext, name: string, property: fc.IProperty<T> | fc.IAsyncProperty<T>): Promise<void> {
  const started = performance.now();
  const parameters = { numRuns: FUZZ_RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };
  await fc.assert(property as fc.IAsyncProperty<T>, parameters);
  t.pass(name);
  t.log(`${name}: ${FUZZ_RUNS} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Runs a normalizer on `input`: its value, or — the only other outcome a
 * normalizer may have — a `NormalizeError` whose message quotes the raw input.
 * Any other exception escapes and fails the property.
 *
 * @example
 * const out = readOrReject(() => parseDecimal(s), s); // string | NormalizeError
 */
export function readOrReject<T>(read: () => T, input: unknown): T | NormalizeError {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof NormalizeError)) throw error;
    if (!error.message.includes(quoteInput(input))) throw new Error(`reject without its raw text: ${error.message} (input ${quoteInput(input)})`);
    return error;
  }
}

/** Text as marketplaces serve it and as attackers do: any Unicode, controls, lone surrogates, and number-like pieces. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(
    fc.constantFrom(
      '0', '1', '7', '9', '00', '.', ',', ' ', '\u00a0', '\u2009', '-', '−', '~', '至', '+', 'e', 'E', 'k', 'K', 'M', '万', '亿', '千',
      '¥', '$', '€', 'US$', 'CNY', 'USDT', '元', '人民币', '１', '２', '，', '．', 'NaN', 'Infinity', '%', '限额', 'to', '\u0000', '\u001b[31m', '<b>',
    ),
    { maxLength: 12 },
  ).map((pieces) => pieces.join('')),
);

/** Canonical decimal text of `digits × 10^-scale` (scale may be negative), by BigInt: the independent oracle. */
export function canonicalOf(digits: bigint, scale: number): string {
  if (scale <= 0) return (digits * 10n ** BigInt(-scale)).toString();
  const text = digits.toString().padStart(scale + 1, '0');
  const whole = text.slice(0, -scale);
  const fraction = text.slice(-scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export const CANONICAL_DECIMAL = /^(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
