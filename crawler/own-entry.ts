/**
 * The value a lookup table holds for `key`, own keys only. A page's text
 * used as a key (`constructor`, `__proto__`, `toString`) must not read
 * `Object.prototype` and come back as a function or an object.
 *
 * @example
 * ownEntry({ sell: 'sell' }, 'sell');        // 'sell'
 * ownEntry({ sell: 'sell' }, 'constructor'); // undefined
 */
export function ownEntry<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}
