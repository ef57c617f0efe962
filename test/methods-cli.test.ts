import test from 'ava';
import { PAYMENT_METHOD_CATALOG } from '../crawler/normalize/payment-methods.ts';
import { cliRig } from './helpers/cli.ts';

interface ListedMethod {
  code: string;
  category: string;
  domestic: boolean;
  inCny: string | null;
  aliases: string[];
}

test('otcwatch methods lists every canonical method with its category and every alias, credit cards among them', async (t) => {
  const { cli } = await cliRig(t);
  const listed = await cli('methods', '--json');
  t.is(listed.code, 0, listed.stderr);
  const methods = JSON.parse(listed.stdout) as ListedMethod[];
  t.deepEqual(
    methods.map((m) => [m.code, m.category, m.aliases]),
    PAYMENT_METHOD_CATALOG.map((m) => [m.code, m.category, [...m.aliases]]),
  );
  const byCode = new Map(methods.map((m) => [m.code, m]));
  t.like(byCode.get('credit_card'), { category: 'bank', domestic: false, inCny: 'cn_credit_card' });
  t.like(byCode.get('cn_credit_card'), { category: 'cn_domestic', domestic: true });
  for (const alias of ['Credit Card', '信用卡', 'Visa', 'Mastercard', '贷记卡']) t.true(byCode.get('credit_card')!.aliases.includes(alias), alias);

  const text = await cli('methods', '--domestic');
  t.regex(text.stdout, /^alipay — Alipay \(cn_domestic; domestic\)\n {4}Alipay, ALIPAY, aliPay, 支付宝, 支付寶, zfb/m);
  t.notRegex(text.stdout, /^bank_transfer/m, '--domestic leaves other rails out');

  // Names resolve as a declarative `map` or a method list would store them.
  const resolved = await cli('methods', '支付寶', 'BANK', 'Visa', 'QQ钱包', '--fiat', 'cny', '--json');
  t.deepEqual(JSON.parse(resolved.stdout), [
    { name: '支付寶', code: 'alipay', domestic: true },
    { name: 'BANK', code: 'cn_bank_card', domestic: true },
    { name: 'Visa', code: 'cn_credit_card', domestic: true },
    { name: 'QQ钱包', code: null, domestic: false },
  ]);
  const bad = await cli('methods', '--category', 'nope');
  t.is(bad.code, 1);
  t.regex(bad.stderr, /--category must be one of cn_domestic, bank/);
});
