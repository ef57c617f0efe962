/**
 * A small seeded pseudo-random generator (mulberry32) with the few draws the
 * demo marketplace needs. Same seed, same sequence, on every machine: only
 * 32-bit integer arithmetic, no `Math.random`.
 *
 * @example
 * const rng = new Rng(mixSeed(42, 0));
 * rng.int(1, 6);          // 1..6 inclusive
 * rng.chance(0.05);       // true about 5% of the time
 * rng.pick(['a', 'b']);   // one element
 */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    // mulberry32 (Tommy Ettinger), public domain.
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}

/**
 * Derives an independent 32-bit stream seed from a seed and a stream number
 * (the tick), so tick N's draws never depend on how many draws tick N-1 made.
 *
 * @example
 * new Rng(mixSeed(42, 7)); // the stream that evolves tick 6 into tick 7
 */
export function mixSeed(seed: number, stream: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ (stream | 0), 0xc2b2ae35);
  h ^= Math.imul(stream | 0, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}
