import type { Cheerio, CheerioAPI } from 'cheerio';
import { isText, type Element } from 'domhandler';
import type { FieldName, HtmlField, HtmlFields, HtmlPaymentMethods } from './field-spec.ts';
import { nameOfIcon } from './payment-icons.ts';
import { matchRegex, rowReader, type CompiledField, type RowReader } from './raw-listing.ts';
import type { HtmlSpec } from './source-spec.ts';
import { rowRelative } from './spec-checks.ts';
import { renderTemplate } from './template.ts';

/** A row of an HTML page: the element, with the page's cheerio instance that owns it. */
export interface HtmlRow {
  $: CheerioAPI;
  element: Element;
}

/**
 * The row reader of an `html` or `browser` source: each field is the text
 * (or `attr`) of the first element its selector finds inside the row,
 * trimmed, optionally cut by `regex`; or a template over `params.NAME`;
 * or a constant.
 *
 * @example
 * ```ts
 * const read = htmlRowReader(spec); // fields: { price: td.price, listingId: { selector: ':self', attr: data-ad-id }, … }
 * read({ $, element: row }, {}).price; // "¥7.25"
 * ```
 */
export function htmlRowReader(spec: HtmlSpec): RowReader<HtmlRow> {
  const { paymentMethods, ...fields } = spec.fields;
  return rowReader<HtmlRow>({
    fields: (Object.entries(fields) as [FieldName, HtmlFields[FieldName]][])
      .filter((entry): entry is [FieldName, HtmlField] => entry[1] !== undefined)
      .map(([name, field]) => compileHtmlField(name, field)),
    ...(paymentMethods ? { paymentMethods: paymentMethodsReader(paymentMethods), paymentMethodSource: 'icon' as const } : {}),
    ...(spec.completionRateScale ? { completionRateScale: spec.completionRateScale } : {}),
  });
}

function compileHtmlField(name: FieldName, field: HtmlField): CompiledField<HtmlRow> {
  const regex = field.regex === undefined ? null : new RegExp(field.regex, 'u');
  if ('const' in field) return { name, where: 'const', read: () => field.const };
  if (field.template !== undefined) {
    const template = field.template;
    return { name, where: `template "${template}"`, read: (_, params) => matchRegex(renderTemplate(template, (key) => params[key.slice('params.'.length)]), regex) };
  }
  const selector = rowRelative(field.selector!);
  const attr = field.attr;
  const own = field.text === 'own';
  return {
    name,
    where: `selector "${field.selector}"${attr ? ` attr ${attr}` : ''}${regex ? ` regex /${field.regex}/` : ''}`,
    read: ({ $, element }) => {
      const found = selector === null ? $(element) : $(element).find(selector).first();
      if (found.length === 0) return null;
      const value = attr !== undefined ? found.attr(attr) : own ? ownText(found) : found.text();
      return matchRegex(value?.trim() ?? null, regex);
    },
  };
}

/** Text of the element's own text nodes, leaving out its children's. */
function ownText(element: Cheerio<Element>): string {
  return element
    .contents()
    .toArray()
    .filter(isText)
    .map((node) => node.data)
    .join('');
}

function paymentMethodsReader(spec: HtmlPaymentMethods): (row: HtmlRow) => string[] {
  const selector = rowRelative(spec.selector);
  const from = spec.from ?? ['text'];
  const split = spec.split === undefined ? null : new RegExp(spec.split, 'u');
  return ({ $, element }) => {
    const found = selector === null ? $(element) : $(element).find(selector);
    return found.toArray().flatMap((item) => {
      const name = nameOfIcon($(item), from);
      if (name === null) return [];
      return split ? name.split(split).map((part) => part.trim()).filter((part) => part !== '') : [name];
    });
  };
}
