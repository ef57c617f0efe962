import { ownEntry } from '../own-entry.ts';

const STEP = /([^.[\]]+)|\[(\d+)\]/g;

/**
 * Reads a value out of parsed JSON by a dotted path with optional indices
 * (`data.items`, `adv.tradeMethods[0].identifier`). An empty path or `$` is
 * the value itself. A missing step gives `undefined`, never a throw: the
 * caller decides whether absence is a layout change or an empty field.
 *
 * @example
 * ```ts
 * readPath({ data: { items: [{ id: 7 }] } }, 'data.items[0].id'); // 7
 * readPath({ data: null }, 'data.items'); // undefined
 * ```
 */
export function readPath(value: unknown, path: string): unknown {
  if (path === '' || path === '$') return value;
  let current = value;
  for (const [, key, index] of path.matchAll(STEP)) {
    if (current === null || typeof current !== 'object') return undefined;
    // Own properties only: parsed JSON has no others, and `constructor` must not reach Object.prototype.
    current = ownEntry(current as Record<string, unknown>, index ?? key!);
  }
  return current;
}

/** True when `path` reads as a path: dotted names with optional `[n]` indices. */
export function isJsonPath(path: string): boolean {
  return path === '$' || /^[^.[\]\s]+(?:\.[^.[\]\s]+|\[\d+\])*$/.test(path);
}
