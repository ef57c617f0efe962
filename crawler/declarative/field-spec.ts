import { z } from 'zod';
import { exactlyOne, jsonPathText, regexText, rowSelectorText, scalar, shorthand } from './spec-checks.ts';

/**
 * How a declarative source reads each `RawListing` field out of a row.
 * `normalizeListing` does the reading of values (prices, ranges, sides,
 * payment names), so a field only says where the text is.
 *
 * JSON rows:   `price: adv.price` | `{ path, regex? }` | `{ template: '{{adv.asset}}' }` | `{ const: CNY }`
 * HTML rows:   `price: td.price`  | `{ selector, attr? | text?: own, regex? }` | `{ template: '{{params.side}}' }` | `{ const: CNY }`
 *
 * `regex` keeps its first capture group (the whole match when it has none);
 * a value it does not match counts as absent. In HTML, `selector: ':self'`
 * (or empty) is the row element itself; `text: own` reads only the element's
 * own text, not its children's (`<td>¥7.25 <small>CNY</small></td>` → `¥7.25`).
 */
const jsonFieldObject = z
  .strictObject(
    { path: jsonPathText.optional(), template: z.string().optional(), const: scalar.optional(), regex: regexText.optional() },
    { error: 'expected a path (text) or an object with path, template or const' },
  )
  .superRefine(exactlyOne(['path', 'template', 'const']));

const htmlFieldObject = z
  .strictObject(
    {
      selector: rowSelectorText.optional(),
      attr: z.string().min(1).optional(),
      text: z.enum(['all', 'own']).optional(),
      template: z.string().optional(),
      const: scalar.optional(),
      regex: regexText.optional(),
    },
    { error: 'expected a CSS selector (text) or an object with selector, template or const' },
  )
  .superRefine(exactlyOne(['selector', 'template', 'const']))
  .superRefine((field, ctx) => {
    if (field.attr !== undefined && field.text !== undefined) ctx.addIssue({ code: 'custom', message: 'expected attr or text, not both' });
  });

export const jsonField = z.preprocess(shorthand('path'), jsonFieldObject);
export const htmlField = z.preprocess(shorthand('selector'), htmlFieldObject);

/**
 * Payment methods of a JSON row: a path to a list; `item` is the path of
 * the name inside each element (`identifier` of `{ identifier: 'ALIPAY' }`);
 * `map` turns ids into names (`{ '1': 'Bank', '2': 'Alipay' }`, an unknown id
 * is kept as is and stored as an unknown method); `split` cuts a text like
 * `"ALIPAY,WECHAT"` into names.
 *
 * @example
 * paymentMethods: { path: adv.tradeMethods, item: identifier }
 */
export const jsonPaymentMethods = z.preprocess(
  shorthand('path'),
  z.strictObject(
    {
      path: jsonPathText,
      item: jsonPathText.optional(),
      map: z.record(z.string(), z.string()).optional(),
      split: regexText.optional(),
    },
    { error: 'expected a path (text) or an object with path' },
  ),
);

/**
 * Payment methods of an HTML row: every element `selector` matches gives
 * one name, from the first of `from` that has one: `text`, an attribute
 * (`alt`, `title`, `data-pay`), `src` (the icon's file name, `/i/alipay.png`
 * → `alipay`) or `class` (the class token naming a known method,
 * `pay-icon pay-wechat` → `wechat`). Default `from: [text]`; `split` cuts one
 * element's text (`支付宝 / 微信`) into names.
 *
 * @example
 * paymentMethods: { selector: 'img.pay-icon', from: [alt, title, class, src] }
 */
export const htmlPaymentMethods = z.preprocess(
  shorthand('selector'),
  z.strictObject(
    {
      selector: rowSelectorText,
      from: z.array(z.string().min(1)).min(1).optional(),
      split: regexText.optional(),
    },
    { error: 'expected a CSS selector (text) or an object with selector' },
  ),
);

/** The `fields` block of a kind: required fields are those `normalizeListing` cannot do without. */
function fieldsOf<Field extends z.ZodType, Payments extends z.ZodType>(field: Field, payments: Payments) {
  return z.strictObject({
    listingId: field.optional(),
    operatorId: field.optional(),
    operatorProfileUrl: field.optional(),
    operatorName: field,
    side: field,
    asset: field,
    fiat: field,
    price: field,
    available: field.optional(),
    minOrder: field.optional(),
    maxOrder: field.optional(),
    limits: field.optional(),
    paymentMethods: payments.optional(),
    paymentMethodText: field.optional(),
    terms: field.optional(),
    completionRate: field.optional(),
    orderCount: field.optional(),
    monthOrderCount: field.optional(),
  });
}

export const jsonFields = fieldsOf(jsonField, jsonPaymentMethods);
export const htmlFields = fieldsOf(htmlField, htmlPaymentMethods);

export type JsonField = z.infer<typeof jsonFieldObject>;
export type HtmlField = z.infer<typeof htmlFieldObject>;
export type JsonPaymentMethods = z.infer<typeof jsonPaymentMethods>;
export type HtmlPaymentMethods = z.infer<typeof htmlPaymentMethods>;
export type JsonFields = z.infer<typeof jsonFields>;
export type HtmlFields = z.infer<typeof htmlFields>;
/** A field name of `RawListing` a source can map, e.g. `price`. */
export type FieldName = Exclude<keyof JsonFields, 'paymentMethods'>;
