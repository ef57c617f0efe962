import test from 'ava';
import { compareDecimal, decimalFromJson, parseDecimal, shiftDecimal } from '../crawler/normalize/decimal.ts';
import { NormalizeError, RowParseError } from '../crawler/normalize/normalize-error.ts';
import { parseRange } from '../crawler/normalize/range.ts';

/** Test titles must differ even where inputs differ only by an invisible space. */
const show = (text: string) => JSON.stringify(text).replace(/[\u00a0\u2000-\u200f\u202f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const amounts: Array<[string, string]> = [
  ['7.25', '7.25'],
  ['¥7.25', '7.25'],
  ['￥7.25', '7.25'],
  ['7.25 CNY', '7.25'],
  ['7.25 cny', '7.25'],
  ['CNY 7.25', '7.25'],
  ['CNY ¥7.25', '7.25'],
  ['USDT 100', '100'],
  ['RM 50', '50'],
  ['7.25元', '7.25'],
  ['人民币 500', '500'],
  ['$1,234.56', '1234.56'],
  ['US$1,234.56', '1234.56'],
  ['HK$ 800', '800'],
  ['€7,25', '7.25'],
  ['1,234.56', '1234.56'],
  ['1,234,567.89', '1234567.89'],
  ['50,000', '50000'],
  ['7,25', '7.25'],
  ['0,5', '0.5'],
  ['0,500', '0.5'],
  ['1.234,56', '1234.56'],
  ['1.234.567', '1234567'],
  ['1 234,56', '1234.56'],
  ['1 234.56', '1234.56'],
  ['1\u00a0234,56', '1234.56'],
  ['1\u2009234.56', '1234.56'],
  ['1\u202f234\u202f567', '1234567'],
  ['７.２５', '7.25'],
  ['１，２３４．５６', '1234.56'],
  ['￥１１，０３７．５９', '11037.59'],
  ['1.2K', '1200'],
  ['2.5k USDT', '2500'],
  ['0.5K', '500'],
  ['1.23456K', '1234.56'],
  ['3M', '3000000'],
  ['1.2m', '1200000'],
  ['1.5万', '15000'],
  ['1.5萬', '15000'],
  ['2.5万元', '25000'],
  ['2亿', '200000000'],
  ['3千', '3000'],
  ['3MYR', '3'],
  ['5 KRW', '5'],
  ['+7.25', '7.25'],
  ['+ ¥7.25', '7.25'],
  ['  7.25  ', '7.25'],
  ['\t7.25\n', '7.25'],
  ['500.00', '500'],
  ['7.250', '7.25'],
  ['0.00', '0'],
  ['0', '0'],
  ['007.50', '7.5'],
  ['0.0000001', '0.0000001'],
  ['12345678901234567890.123456789', '12345678901234567890.123456789'],
  ['1520.33 USDT', '1520.33'],
];

for (const [input, expected] of amounts) {
  test(`parseDecimal reads ${show(input)}`, (t) => {
    t.is(parseDecimal(input), expected);
  });
}

const malformed: Array<[string, string]> = [
  ['', 'is empty'],
  ['   ', 'is empty'],
  ['N/A', 'is not a decimal number'],
  ['--', 'is not a decimal number'],
  ['面议', 'is not a decimal number'],
  ['-5', 'is negative'],
  ['-¥5', 'is negative'],
  ['¥−5', 'is negative'],
  ['－7.25', 'is negative'],
  ['7.25 / 7.30', 'more than one number'],
  ['500-50000', 'more than one number'],
  ['12abc34', 'more than one number'],
  ['500 50000', 'more than one number'],
  ['1.2.3', 'malformed digit grouping'],
  ['12,34,5', 'malformed digit grouping'],
  ['1,2345', 'malformed digit grouping'],
  ['1,234.5.6', 'malformed digit grouping'],
  ['0.123.456', 'malformed digit grouping'],
  ['1234,567', 'malformed digit grouping'],
  ['7.', 'is not a decimal number'],
  ['7.25%', 'is not a decimal number'],
  ['about 7', 'is not a decimal number'],
  ['7.25 apples', 'is not a decimal number'],
  ['NaN', 'is not a finite number'],
  ['Infinity', 'is not a finite number'],
  ['-Infinity', 'is not a finite number'],
  ['1e5', 'exponent'],
  ['1.5E+3', 'exponent'],
  ['7.2e-1', 'exponent'],
];

for (const [input, reason] of malformed) {
  test(`parseDecimal rejects ${show(input)}`, (t) => {
    const error = t.throws(() => parseDecimal(input), { instanceOf: NormalizeError });
    t.true(error?.message.startsWith(JSON.stringify(input)), error?.message);
    t.true(error?.message.includes(reason), error?.message);
  });
}

test('shiftDecimal moves the point without floats', (t) => {
  const cases: Array<[string, number, string]> = [
    ['1.5', 4, '15000'],
    ['1.23456', 3, '1234.56'],
    ['98', -2, '0.98'],
    ['0.5', -2, '0.005'],
    ['100', -2, '1'],
    ['7.25', 0, '7.25'],
    ['0', 8, '0'],
    ['9007199254740993', 2, '900719925474099300'],
  ];
  for (const [value, places, expected] of cases) t.is(shiftDecimal(value, places), expected, `${value} × 10^${places}`);
});

test('compareDecimal orders exactly, digit by digit', (t) => {
  const cases: Array<[string, string, -1 | 0 | 1]> = [
    ['500', '50000', -1],
    ['50000', '500', 1],
    ['7.25', '7.25', 0],
    ['10', '9.99', 1],
    ['0.1', '0.10000001', -1],
    ['0', '0.0001', -1],
    ['12345678901234567890.5', '12345678901234567890.49', 1],
    ['7.3', '7.25', 1],
  ];
  for (const [a, b, expected] of cases) t.is(compareDecimal(a, b), expected, `${a} vs ${b}`);
});

test('compareDecimal and shiftDecimal refuse non-canonical input', (t) => {
  t.throws(() => compareDecimal('1,000', '5'), { instanceOf: NormalizeError, message: /"1,000" is not a canonical decimal/ });
  t.throws(() => shiftDecimal('7.250', 1), { instanceOf: NormalizeError, message: /"7.250"/ });
});

test('decimalFromJson accepts strings and numbers that print exactly', (t) => {
  const cases: Array<[unknown, string]> = [
    ['7.26', '7.26'],
    ['1,234.56', '1234.56'],
    [0.987, '0.987'],
    [9321, '9321'],
    [0, '0'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
  ];
  for (const [value, expected] of cases) t.is(decimalFromJson(value, 'adv.price'), expected, String(value));
});

test('decimalFromJson rejects what cannot be read exactly, naming the field and value', (t) => {
  const cases: Array<[unknown, string]> = [
    ['N/A', 'adv.price: "N/A" is not a decimal number'],
    [null, 'adv.price: null is not a decimal number'],
    [true, 'adv.price: true is not a decimal number'],
    [{ v: 1 }, 'adv.price: {"v":1} is not a decimal number'],
    [Number.NaN, 'adv.price: NaN is not a finite number'],
    [Number.POSITIVE_INFINITY, 'adv.price: Infinity is not a finite number'],
    [1e21, 'adv.price: 1e+21 is printed with an exponent'],
    [1e-7, 'adv.price: 1e-7 is printed with an exponent'],
    [2 ** 53 + 2, 'adv.price: 9007199254740994 is beyond exact integer range'],
    [-1, 'adv.price: "-1" is negative'],
  ];
  for (const [value, message] of cases) {
    const error = t.throws(() => decimalFromJson(value, 'adv.price'), { instanceOf: RowParseError });
    t.is(error?.fieldPath, 'adv.price');
    t.true(error?.message.startsWith(message), `${error?.message} should start with ${message}`);
  }
});

const ranges: Array<[string, { min: string | null; max: string | null }]> = [
  ['500 - 50,000 CNY', { min: '500', max: '50000' }],
  ['限额 ¥500-¥50,000', { min: '500', max: '50000' }],
  ['限额 ¥500.00-¥11,037.59', { min: '500', max: '11037.59' }],
  ['限额：500-1000', { min: '500', max: '1000' }],
  ['单笔限额 ￥500～￥5万', { min: '500', max: '50000' }],
  ['¥500~¥50,000', { min: '500', max: '50000' }],
  ['500 — 50000', { min: '500', max: '50000' }],
  ['500 – 50000', { min: '500', max: '50000' }],
  ['500 至 50000', { min: '500', max: '50000' }],
  ['500到50000', { min: '500', max: '50000' }],
  ['500-50K', { min: '500', max: '50000' }],
  ['Limit: 100 to 2,000 USD', { min: '100', max: '2000' }],
  ['１，０００－６３，７１２．８７', { min: '1000', max: '63712.87' }],
  ['7,25 - 9,50 EUR', { min: '7.25', max: '9.5' }],
  ['500 - ', { min: '500', max: null }],
  ['~50000', { min: null, max: '50000' }],
  ['500 - 500', { min: '500', max: '500' }],
];

for (const [input, expected] of ranges) {
  test(`parseRange reads ${show(input)}`, (t) => {
    t.deepEqual(parseRange(input), expected);
  });
}

const badRanges: Array<[string, string]> = [
  ['50,000 - 500', 'has its minimum 50000 above its maximum 500'],
  ['500', 'is not a range'],
  ['', 'is not a range'],
  ['500-1000-2000', 'is not a range'],
  ['abc - 500', '"abc" is not a decimal number'],
  ['500 - N/A', '"N/A" is not a decimal number'],
  [' - ', 'has neither a minimum nor a maximum'],
];

for (const [input, reason] of badRanges) {
  test(`parseRange rejects ${show(input)}`, (t) => {
    const error = t.throws(() => parseRange(input), { instanceOf: NormalizeError });
    t.true(error?.message.startsWith(JSON.stringify(input)), error?.message);
    t.true(error?.message.includes(reason), error?.message);
  });
}
