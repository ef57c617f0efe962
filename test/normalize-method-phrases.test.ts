import test from 'ava';
import { readMethodsInText } from '../crawler/normalize/method-phrases.ts';

/**
 * Free text as sellers write it on Chinese and English OTC boards, and what
 * a person reads in it: `+code` an accepted method, `-code` a refused one,
 * `@channel` a contact (never a payment method). Read on a CNY listing
 * unless the case names another fiat. The expectations were written by
 * reading each phrase, not by running the reader.
 */
const PHRASES: ReadonlyArray<readonly [string, string] | readonly [string, string, string]> = [
  // Plain acceptance.
  ['只收支付宝', '+alipay'],
  ['只收支付宝，秒放', '+alipay'],
  ['支付宝秒放', '+alipay'],
  ['支持支付宝', '+alipay'],
  ['可支付宝', '+alipay'],
  ['支付宝、微信、银行卡都可以', '+alipay +wechat_pay +cn_bank_card'],
  ['微信也可以付款', '+wechat_pay'],
  ['微信支付、微信、wx 都可以', '+wechat_pay'],
  ['zfb/wx', '+alipay +wechat_pay'],
  ['支持银行卡/云闪付', '+cn_bank_card +unionpay'],
  ['银行卡优先', '+cn_bank_card'],
  ['银行卡转账优先，支付宝也行', '+cn_bank_card +alipay'],
  ['仅限银行卡', '+cn_bank_card'],
  ['请用工商银行或招商银行转账', '+cn_bank_card'],
  ['支持数字人民币，秒放', '+digital_rmb'],
  ['云闪付秒到', '+unionpay'],
  ['银联、支付宝均可', '+unionpay +alipay'],
  ['支付宝+微信', '+alipay +wechat_pay'],
  ['支付宝加微信都行', '+alipay +wechat_pay'],
  ['信用卡可以', '+cn_credit_card'],
  ['支持信用卡付款', '+cn_credit_card'],
  ['银联信用卡', '+cn_credit_card'],
  ['Visa / Mastercard accepted', '+cn_credit_card'],
  ['Credit card OK', '+cn_credit_card'],
  ['Credit card OK', '+credit_card', 'USD'],
  ['Visa, Mastercard', '+credit_card', 'HKD'],
  ['支付寶、微信轉賬均可', '+alipay +wechat_pay'],
  ['微信支付优先', '+wechat_pay'],
  ['WeChat only', '+wechat_pay'],
  ['Alipay only', '+alipay'],
  ['Alipay and WeChat Pay accepted', '+alipay +wechat_pay'],
  ['Bank transfer only', '+cn_bank_card'],
  ['Bank transfer only', '+bank_transfer', 'USD'],
  ['Payments: Wise, Revolut or SEPA', '+wise +revolut +sepa', 'EUR'],
  ['Bank Transfer (China), e-CNY', '+cn_bank_card +digital_rmb'],
  ['ＡＬＩＰＡＹ', '+alipay'],
  ['AlipayHK only', '+alipay_hk', 'HKD'],
  ['支付宝香港', '+alipay_hk', 'HKD'],
  ['WeChat Pay HK preferred', '+wechat_pay_hk', 'HKD'],
  ['FPS 转数快 秒到', '+fps_hk', 'HKD'],
  ['PayMe or FPS', '+payme_hk +fps_hk', 'HKD'],
  ['现金面交，深圳', '+cash_in_person'],
  ['支持建设银行、农业银行', '+cn_bank_card'],
  ['网银转账', '+cn_bank_card'],
  ['zfb秒放', '+alipay'],
  ['支付宝微信银行卡', '+alipay +wechat_pay +cn_bank_card'],
  ['We accept Alipay, WeChat and bank cards', '+alipay +wechat_pay +cn_bank_card'],
  ['Pay by Alipay please', '+alipay'],
  ['Fast release. Alipay / WeChat / Bank', '+alipay +wechat_pay +cn_bank_card'],
  ['收款方式：支付宝', '+alipay'],
  ['付款方式 微信', '+wechat_pay'],
  ['支付宝实名付款', '+alipay'],
  ['微信付款请备注', '+wechat_pay'],
  ['微信不要备注', '+wechat_pay'],
  ['支付宝不要备注USDT', '+alipay'],
  ['不收手续费，支付宝秒放', '+alipay'],
  ['不收手续费 支付宝', '+alipay'],
  ['不要备注 微信转账', '+wechat_pay'],
  ['no remarks, Alipay only', '+alipay'],
  ['no KYC needed, Alipay', '+alipay'],
  ['银行卡 5000以上', '+cn_bank_card'],
  ['微信 5000以内', '+wechat_pay'],
  ['微信 1000-5000', '+wechat_pay'],
  ['首单支付宝', '+alipay'],
  ['大额走银行卡，小额微信', '+cn_bank_card +wechat_pay'],
  ['数字人民币、云闪付、支付宝', '+digital_rmb +unionpay +alipay'],
  ['招商银行 秒转', '+cn_bank_card'],
  ['e-CNY accepted', '+digital_rmb'],
  ['UnionPay QuickPass', '+unionpay'],
  ['Alipay, fast and safe', '+alipay'],
  ['支付宝，诚信交易', '+alipay'],
  ['微信转账秒放币', '+wechat_pay'],

  // Refusals.
  ['不收支付宝', '-alipay'],
  ['不接受微信', '-wechat_pay'],
  ['no Alipay', '-alipay'],
  ['No WeChat', '-wechat_pay'],
  ['只收支付宝 不收微信', '+alipay -wechat_pay'],
  ['只收银行卡，不收支付宝', '+cn_bank_card -alipay'],
  ['不收微信、支付宝', '-wechat_pay -alipay'],
  ['不收微信和支付宝', '-wechat_pay -alipay'],
  ['微信、支付宝一律不收', '-wechat_pay -alipay'],
  ['支付宝不行', '-alipay'],
  ['支付宝不行哦，银行卡可以', '-alipay +cn_bank_card'],
  ['微信不收', '-wechat_pay'],
  ['微信勿扰', '-wechat_pay'],
  ['拒收支付宝', '-alipay'],
  ['不支持云闪付', '-unionpay'],
  ['不要微信', '-wechat_pay'],
  ['除了支付宝都可以', '-alipay'],
  ['除支付宝外均可', '-alipay'],
  ['禁止微信转账', '-wechat_pay'],
  ['谢绝支付宝', '-alipay'],
  ['不接受任何微信付款', '-wechat_pay'],
  ['不接受信用卡', '-cn_credit_card'],
  ['信用卡不收', '-cn_credit_card'],
  ['No credit cards', '-credit_card', 'USD'],
  ['Alipay not accepted', '-alipay'],
  ['WeChat Pay is not accepted', '-wechat_pay'],
  ["We don't accept Alipay", '-alipay'],
  ['do not accept WeChat or Alipay', '-wechat_pay -alipay'],
  ['no alipay, WeChat Pay HK only', '-alipay +wechat_pay_hk', 'HKD'],
  ['no Alipay, no WeChat, bank only', '-alipay -wechat_pay +cn_bank_card'],
  ['Bank transfer only, no Alipay', '+cn_bank_card -alipay'],
  ['Alipay: no', '-alipay'],
  ['银行卡可以，微信不可以', '+cn_bank_card -wechat_pay'],
  ['微信不可', '-wechat_pay'],
  ['不走支付宝', '-alipay'],
  ['不用微信', '-wechat_pay'],
  ['支付宝暂不支持', '-alipay'],
  ['数字人民币不收', '-digital_rmb'],
  ['不收数字人民币', '-digital_rmb'],
  ['不收支付宝，不收微信，只收银行卡', '-alipay -wechat_pay +cn_bank_card'],
  ['支付宝❌ 银行卡✅', '-alipay +cn_bank_card'],
  ['without WeChat', '-wechat_pay'],
  ['except Alipay', '-alipay'],
  ['不收支付寶', '-alipay'],
  ['拒絕微信', '-wechat_pay'],
  ['云闪付免谈', '-unionpay'],
  ['不收zfb', '-alipay'],
  ['不收 wx', '-wechat_pay'],
  ['微信支付宝都不收', '-wechat_pay -alipay'],
  ['不收现金', '-cash_in_person'],
  ['现金面交不考虑', '-cash_in_person'],
  ['支付宝也不行', '-alipay'],
  ['not accepting Alipay', '-alipay'],

  // Contacts: never payment methods.
  ['加微信 zhang_otc 秒放', '@wechat'],
  ['加微信zhang_otc', '@wechat'],
  ['加V', '@wechat'],
  ['加v: otc888', '@wechat'],
  ['加我微信', '@wechat'],
  ['添加微信好友', '@wechat'],
  ['微信号：abc123', '@wechat'],
  ['微信號 lee_2024', '@wechat'],
  ['wx: zhang_otc', '@wechat'],
  ['wx：otc8888', '@wechat'],
  ['vx lee88', '@wechat'],
  ['vx', '@wechat'],
  ['V信 otc_desk', '@wechat'],
  ['QQ 12345678', '@qq'],
  ['QQ：987654321', '@qq'],
  ['扣扣 56781234', '@qq'],
  ['加QQ详聊', '@qq'],
  ['电话 13812345678', '@phone'],
  ['手机：139-1234-5678', '@phone'],
  ['13912345678', '@phone'],
  ['TG @otc_desk', '@telegram'],
  ['Telegram: otcking', '@telegram'],
  ['t.me/otc_fast', '@telegram'],
  ['飞机 @usdt_cn', '@telegram'],
  ['add me on WeChat: abc123', '@wechat'],
  ['add me on WeChat', '@wechat'],
  ['WeChat ID: fastotc', '@wechat'],
  ['contact me on WeChat', '@wechat'],
  ['微信联系', '@wechat'],
  ['有问题微信沟通', '@wechat'],
  ['请加微信咨询', '@wechat'],
  ['联系微信 otc_king', '@wechat'],
  ['wechat me', '@wechat'],
  ['wx lee_otc', '@wechat'],

  // Mixed.
  ['银行卡优先，也可微信付款，加微信 abc123', '+cn_bank_card +wechat_pay @wechat'],
  ['支付宝秒放，加微信 zhang88', '+alipay @wechat'],
  ['只收支付宝，微信号 otc_vip 不收微信', '+alipay -wechat_pay @wechat'],
  ['不收微信，QQ 12345678', '-wechat_pay @qq'],
  ['银行卡转账，联系电话 13800138000', '+cn_bank_card @phone'],
  ['Alipay only. Telegram @otcdesk', '+alipay @telegram'],
  ['加微信 abc_123 可以微信付款', '+wechat_pay @wechat'],
  ['微信支付，vx: pay_fast', '+wechat_pay @wechat'],
  ['no Alipay; add me on WeChat: fast_otc', '-alipay @wechat'],
  ['支付宝、银行卡，不收微信，TG @cn_otc', '+alipay +cn_bank_card -wechat_pay @telegram'],
  ['加V otc99，支持云闪付', '+unionpay @wechat'],
  ['wx zhang_otc；支付宝秒放', '+alipay @wechat'],
  ['微信号 fastpay8 / 支付宝优先', '+alipay @wechat'],
  ['大额银行卡，小额支付宝，不收微信。加QQ 55667788', '+cn_bank_card +alipay -wechat_pay @qq'],

  // Nothing to read.
  ['', ''],
  ['秒放币，诚信交易', ''],
  ['施工行业 余额不足 成交行情', ''],
  ['otherwise wisely cashback', ''],
  ['Fast release, 24/7', ''],
  ['新手勿扰', ''],
  ['不要备注', ''],
  ['收到款后十分钟内放币', ''],
  ['No KYC', ''],
  ['casino players welcome', ''],
];

test('the phrase table has at least 150 cases', (t) => {
  t.true(PHRASES.length >= 150, `${PHRASES.length} phrases`);
});

for (const [phrase, expected, fiat = 'CNY'] of PHRASES) {
  test(`reads ${JSON.stringify(phrase)} (${fiat}) as ${JSON.stringify(expected)}`, (t) => {
    const read = readMethodsInText(phrase, { fiat });
    const methods = read.methods.map((m) => `${m.stance === 'refused' ? '-' : '+'}${m.code}`);
    const contacts = [...new Set(read.contacts.map((c) => `@${c.channel}`))];
    t.deepEqual([...methods, ...contacts].join(' '), expected);
    t.true(read.methods.every((m) => m.source === 'text'));
  });
}

test('a refusal keeps the text it was read from', (t) => {
  t.deepEqual(readMethodsInText('只收支付宝 不收微信', { fiat: 'CNY' }).methods, [
    { code: 'alipay', raw: '支付宝', stance: 'accepted', source: 'text' },
    { code: 'wechat_pay', raw: '微信', stance: 'refused', source: 'text' },
  ]);
});

test('a contact keeps its handle, so the contact signal can show it', (t) => {
  const [contact] = readMethodsInText('银行卡优先，加微信 abc123').contacts;
  t.is(contact?.text, '加微信 abc123');
  t.is(contact?.channel, 'wechat');
});

test('a method both accepted and refused in one text is refused', (t) => {
  t.deepEqual(readMethodsInText('支付宝可以，支付宝不行').methods.map((m) => m.stance), ['refused']);
});
