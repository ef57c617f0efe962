/**
 * The median of measured times (the mean of the middle two for an even count).
 *
 * @example
 * median([120, 95, 101]); // 101
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
