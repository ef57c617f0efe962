import { RowParseError, quoteInput } from '../normalize/normalize-error.ts';
import { ownEntry } from '../own-entry.ts';

/** A platform's numeric (or opaque) ids and the names they stand for: `{ "2": "USDT" }`. */
export type IdTable = Readonly<Record<string, string>>;

/**
 * The name behind a payment-method id, or `<platform>:<id>` when the table
 * does not know it: an unknown method is kept (stored with no canonical
 * code, its raw text the id) and listed in the run summary, never dropped.
 * A value that is not an id at all is passed through for the normalizer to
 * reject, naming the field.
 *
 * @example
 * methodNameOf({ '2': '支付宝' }, 2, 'htx'); // "支付宝"
 * methodNameOf({ '2': '支付宝' }, 9, 'htx'); // "htx:9"
 */
export function methodNameOf(table: IdTable, id: unknown, platform: string): unknown {
  const key = idKey(id);
  if (key === null) return id;
  return ownEntry(table, key) ?? `${platform}:${key}`;
}

/**
 * The name behind an id the listing cannot do without (its asset, its
 * fiat); an unknown one fails the row naming the field.
 *
 * @example
 * requiredNameOf({ '1': 'BTC', '2': 'USDT' }, 2, 'coinId', 'HTX coin id'); // "USDT"
 * requiredNameOf({ '1': 'BTC', '2': 'USDT' }, 7, 'coinId', 'HTX coin id'); // throws RowParseError: coinId: 7 is not a known HTX coin id (1 BTC, 2 USDT)
 */
export function requiredNameOf(table: IdTable, id: unknown, fieldPath: string, what: string): string {
  const name = ownEntry(table, idKey(id) ?? '');
  if (name === undefined) throw new RowParseError(fieldPath, `${quoteInput(id)} is not a known ${what} (${describe(table)})`);
  return name;
}

/**
 * The id of a configured name, for building requests; an unknown name is
 * a configuration error naming what is known.
 *
 * @example
 * idForName({ '1': 'BTC', '2': 'USDT' }, 'USDT', 'params.assets: HTX coin'); // "2"
 */
export function idForName(table: IdTable, name: string, what: string): string {
  const id = Object.keys(table).find((key) => table[key] === name);
  if (id === undefined) throw new Error(`${what} ${quoteInput(name)} has no known id (${describe(table)})`);
  return id;
}

/**
 * A shipped table overlaid by a source's own mapping (`params.<param>`,
 * an object of id → name), so an investigator can name ids the shipped
 * table does not know without a code change.
 *
 * @example
 * withOverrides({ '14': 'Bank Transfer' }, { '90001': 'Alipay' }, 'paymentIdMap'); // { "14": "Bank Transfer", "90001": "Alipay" }
 */
export function withOverrides(table: IdTable, overrides: unknown, param: string): IdTable {
  if (overrides === undefined || overrides === null) return table;
  const valid =
    typeof overrides === 'object' &&
    !Array.isArray(overrides) &&
    Object.values(overrides).every((name) => typeof name === 'string' && name.trim() !== '');
  if (!valid) throw new Error(`params.${param}: expected an object of id → method name like {"90001": "Alipay"}, got ${quoteInput(overrides)}`);
  return { ...table, ...(overrides as Record<string, string>) };
}

function idKey(id: unknown): string | null {
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  const key = String(id).trim();
  return key === '' ? null : key;
}

function describe(table: IdTable): string {
  return Object.entries(table).map(([id, name]) => `${id} ${name}`).join(', ');
}
