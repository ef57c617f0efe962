import type { UnknownMethodCount } from '../../store/run-summary.ts';

/**
 * Unknown methods in one short line: `"bybit:90001" ×4, "Yoomoney" ×1`.
 *
 * @example
 * describeUnknownMethods([{ rawText: 'bybit:90001', listings: 4 }]); // '"bybit:90001" ×4'
 */
export function describeUnknownMethods(methods: readonly UnknownMethodCount[]): string {
  return methods.map((m) => `"${m.rawText}" ×${m.listings}`).join(', ');
}
