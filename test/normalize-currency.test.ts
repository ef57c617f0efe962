import test from 'ava';
import { normalizeAsset, normalizeFiat } from '../crawler/normalize/currency.ts';
import { NormalizeError } from '../crawler/normalize/normalize-error.ts';

const fiats: Array<[string, string]> = [
  ['cny', 'CNY'],
  ['CNY', 'CNY'],
  [' Cny ', 'CNY'],
  ['ｃｎｙ', 'CNY'],
  ['RMB', 'CNY'],
  ['rmb', 'CNY'],
  ['人民币', 'CNY'],
  ['人民幣', 'CNY'],
  ['元', 'CNY'],
  ['¥', 'CNY'],
  ['￥', 'CNY'],
  ['CNH', 'CNH'],
  ['usd', 'USD'],
  ['US$', 'USD'],
  ['美元', 'USD'],
  ['HKD', 'HKD'],
  ['HK$', 'HKD'],
  ['港币', 'HKD'],
  ['港幣', 'HKD'],
  ['EUR', 'EUR'],
  ['€', 'EUR'],
  ['TWD', 'TWD'],
  ['NT$', 'TWD'],
  ['新台币', 'TWD'],
  ['新臺幣', 'TWD'],
  ['JPY', 'JPY'],
  ['日元', 'JPY'],
  ['KRW', 'KRW'],
  ['₩', 'KRW'],
  ['SGD', 'SGD'],
  ['MYR', 'MYR'],
  ['RM', 'MYR'],
  ['VND', 'VND'],
  ['THB', 'THB'],
  ['PHP', 'PHP'],
  ['RUB', 'RUB'],
  ['₽', 'RUB'],
  ['AED', 'AED'],
  ['GBP', 'GBP'],
  ['£', 'GBP'],
  ['AUD', 'AUD'],
  ['CAD', 'CAD'],
  ['chf', 'CHF'],
  ['NGN', 'NGN'],
  ['MOP', 'MOP'],
];

for (const [input, expected] of fiats) {
  test(`normalizeFiat reads ${JSON.stringify(input)}`, (t) => {
    t.is(normalizeFiat(input), expected);
  });
}

test('normalizeFiat reads ¥ as the hint says, defaulting to CNY', (t) => {
  t.is(normalizeFiat('¥'), 'CNY');
  t.is(normalizeFiat('¥', 'JPY'), 'JPY');
  t.is(normalizeFiat('￥', 'JPY'), 'JPY');
  t.is(normalizeFiat('CNY', 'JPY'), 'CNY', 'the hint only concerns the bare symbol');
});

const badFiats: Array<[string, string]> = [
  ['', 'is empty'],
  ['XYZ', 'is not a known fiat currency'],
  ['USDT', 'is not a known fiat currency'],
  ['N/A', 'is not a known fiat currency'],
  ['Bitcoin', 'is not a known fiat currency'],
  ['$', 'is ambiguous'],
];

for (const [input, reason] of badFiats) {
  test(`normalizeFiat rejects ${JSON.stringify(input)}`, (t) => {
    const error = t.throws(() => normalizeFiat(input), { instanceOf: NormalizeError });
    t.true(error?.message.startsWith(JSON.stringify(input)), error?.message);
    t.true(error?.message.includes(reason), error?.message);
  });
}

const assets: Array<[string, string]> = [
  ['usdt', 'USDT'],
  ['USDT', 'USDT'],
  ['ＵＳＤＴ', 'USDT'],
  ['USD₮', 'USDT'],
  ['Tether', 'USDT'],
  ['泰达币', 'USDT'],
  ['泰達幣', 'USDT'],
  ['USDT-TRC20', 'USDT'],
  ['usdt_erc20', 'USDT'],
  ['USDT (BEP20)', 'USDT'],
  ['USDT TRC20', 'USDT'],
  ['Tether (TRC20)', 'USDT'],
  ['BTC', 'BTC'],
  ['Bitcoin', 'BTC'],
  ['比特币', 'BTC'],
  ['ETH', 'ETH'],
  ['以太坊', 'ETH'],
  ['USDC', 'USDC'],
  ['USD Coin', 'USDC'],
  ['BNB', 'BNB'],
  ['TRX', 'TRX'],
  ['TRON', 'TRX'],
  ['DAI', 'DAI'],
  ['FDUSD', 'FDUSD'],
  ['pepe', 'PEPE'],
  ['1INCH', '1INCH'],
];

for (const [input, expected] of assets) {
  test(`normalizeAsset reads ${JSON.stringify(input)}`, (t) => {
    t.is(normalizeAsset(input), expected);
  });
}

const badAssets: Array<[string, string]> = [
  ['', 'is empty'],
  ['N/A', 'is not an asset ticker'],
  ['--', 'is not an asset ticker'],
  ['123', 'is not an asset ticker'],
  ['A', 'is not an asset ticker'],
  ['ELEVENCHARS', 'is not an asset ticker'],
  ['US DT', 'is not an asset ticker'],
  ['稳定币', 'is not an asset ticker'],
];

for (const [input, reason] of badAssets) {
  test(`normalizeAsset rejects ${JSON.stringify(input)}`, (t) => {
    const error = t.throws(() => normalizeAsset(input), { instanceOf: NormalizeError });
    t.true(error?.message.startsWith(JSON.stringify(input)), error?.message);
    t.true(error?.message.includes(reason), error?.message);
  });
}
