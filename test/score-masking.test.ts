import test from 'ava';
import { maskContacts, maskHandle } from '../scripts/output/contact-mask.ts';
import { describeEvidence } from '../scripts/format/signal-evidence.ts';
import { safeValue } from '../scripts/output/safe-text.ts';

test('handles are masked: mobiles keep 3 + 4 digits, other handles 2 + 2 characters', (t) => {
  t.is(maskHandle('13812345678'), '138****5678');
  t.is(maskHandle('12345678'), '12****78');
  t.is(maskHandle('jinsha123'), 'ji*****23');
  t.is(maskHandle('abcd'), '****');
});

test('texts keep their words, with every handle masked', (t) => {
  t.is(maskContacts('秒放 加微信 jinsha123 电话 13812345678'), '秒放 加微信 ji*****23 电话 138****5678');
  t.is(maskContacts('诚信交易 QQ：87654321，VX同号'), '诚信交易 QQ：87****21，VX同号');
  t.is(maskContacts('Fast release. WeChat: fuyuan45'), 'Fast release. WeChat: fu****45');
  t.is(maskContacts('+8613912345678'), '+86139****5678');
  t.is(maskContacts('只收支付宝 微信支付 wxPay'), '只收支付宝 微信支付 wxPay');
  t.is(maskContacts('order 913812345678 ok'), 'order 913812345678 ok', 'a longer number is not a mobile');
});

test('evidence is masked before it is shown, in lines and in JSON', (t) => {
  const evidence = {
    contacts: [
      { kind: 'mobile', handle: '13812345678', matched: '13812345678', fields: ['terms'], text: '大额可议价 电话 13812345678', listingIds: [7], runIds: [2, 1], observationIds: [40, 12] },
      { kind: 'invitation', handle: null, matched: '加微信', fields: ['name'], text: '金沙承兑加微信', listingIds: [7], runIds: [2], observationIds: [40] },
    ],
  };
  t.deepEqual(describeEvidence('domestic_contact', evidence), [
    'mobile 138****5678 in terms "大额可议价 电话 138****5678": listings #7; first seen in runs #2, #1; observations #40, #12',
    'invitation "加微信" in name "金沙承兑加微信": listings #7; first seen in runs #2; observations #40',
  ]);
  const shown = JSON.stringify(safeValue(evidence));
  t.false(shown.includes('13812345678'));
  t.true(shown.includes('"handle":"138****5678"'));
});
