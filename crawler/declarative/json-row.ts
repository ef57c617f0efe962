import type { FieldName, JsonField, JsonFields, JsonPaymentMethods } from './field-spec.ts';
import { ownEntry } from '../own-entry.ts';
import { readPath } from './json-path.ts';
import { matchRegex, rowReader, type CompiledField, type RowReader } from './raw-listing.ts';
import type { JsonSpec } from './source-spec.ts';
import { renderTemplate } from './template.ts';

/**
 * The row reader of a `json` source: each field is a path into the row,
 * a template over row paths and `params.NAME` (`'{{adv.asset}}'`), or a
 * constant.
 *
 * @example
 * ```ts
 * const read = jsonRowReader(spec); // fields: { price: adv.price, fiat: { const: CNY }, … }
 * read({ adv: { price: '7.25' } }, {}).price; // "7.25"
 * ```
 */
export function jsonRowReader(spec: JsonSpec): RowReader<unknown> {
  const { paymentMethods, ...fields } = spec.fields;
  return rowReader<unknown>({
    fields: (Object.entries(fields) as [FieldName, JsonFields[FieldName]][])
      .filter((entry): entry is [FieldName, JsonField] => entry[1] !== undefined)
      .map(([name, field]) => compileJsonField(name, field)),
    ...(paymentMethods ? { paymentMethods: paymentMethodsReader(paymentMethods) } : {}),
    ...(spec.completionRateScale ? { completionRateScale: spec.completionRateScale } : {}),
  });
}

function compileJsonField(name: FieldName, field: JsonField): CompiledField<unknown> {
  const regex = field.regex === undefined ? null : new RegExp(field.regex, 'u');
  if ('const' in field) return { name, where: 'const', read: () => field.const };
  if (field.template !== undefined) {
    const template = field.template;
    return {
      name,
      where: `template "${template}"`,
      read: (row, params) => matchRegex(renderTemplate(template, (key) => (key.startsWith('params.') ? params[key.slice(7)] : readPath(row, key))), regex),
    };
  }
  const path = field.path!;
  return { name, where: `path "${path}"`, read: (row) => matchRegex(readPath(row, path), regex) };
}

/** Names of the row's payment methods; a value that is not a list is passed on for `normalizeListing` to refuse. */
function paymentMethodsReader(spec: JsonPaymentMethods): (row: unknown) => unknown {
  const split = spec.split === undefined ? null : new RegExp(spec.split, 'u');
  const nameOf = (item: unknown): unknown => {
    const value = spec.item === undefined ? item : readPath(item, spec.item);
    if (typeof value !== 'string' && typeof value !== 'number') return value;
    // Numeric ids (HTX's `2`) become text: an unmapped id is still kept, as an unknown method.
    return ownEntry(spec.map, String(value)) ?? String(value);
  };
  return (row) => {
    const value = readPath(row, spec.path);
    if (value === null || value === undefined) return [];
    if (typeof value === 'string' && split) return value.split(split).filter((name) => name.trim() !== '').map(nameOf);
    return Array.isArray(value) ? value.map(nameOf) : value;
  };
}
