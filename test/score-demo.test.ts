import test from 'ava';
import { sql } from 'kysely';
import type { DemoAd } from '../scripts/demo/marketplace-state.ts';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { maskHandle } from '../scripts/output/contact-mask.ts';
import { scoreRun } from '../scripts/jobs/score-run.ts';
import { explainOperator } from '../store/operator-report.ts';
import { cliRig } from './helpers/cli.ts';
import { demoCrawlRig } from './helpers/demo-crawl.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const HAN = /[\u4e00-\u9fff]/;
const CONTACT = /加微信 \w+|QQ \d+|电话 1\d{10}/;

/** One ad per seller of the marketplace's current state. */
function sellers(ads: DemoAd[]): DemoAd[] {
  return [...new Map(ads.map((ad) => [ad.sellerId, ad])).values()];
}

test(title('on demo crawls, Han-named CNY sellers taking Alipay with a contact handle outscore USD sellers taking Wise'), async (t) => {
  const rig = await demoCrawlRig(t);
  await rig.source('demo-api');
  await sql`update sources set host_country = 'SC' where id = 'demo-api'`.execute(rig.store.db);
  for (let tick = 0; tick < 2; tick += 1) {
    if (tick > 0) rig.market.advance();
    const run = await rig.crawl('demo-api');
    await scoreRun(rig.store, run);
  }
  const all = sellers(rig.market.state().ads);
  const domestic = all.filter((ad) => ad.fiat === 'CNY' && ad.payMethods.includes('ALIPAY') && HAN.test(ad.sellerName) && CONTACT.test(ad.terms));
  const international = all.filter((ad) => ad.fiat === 'USD' && ad.payMethods.includes('WISE'));
  t.true(domestic.length >= 3 && international.length >= 1, `${domestic.length} domestic, ${international.length} international sellers`);

  const scores = await rig.store.db
    .selectFrom('operator_scores as s')
    .innerJoin('operators as o', 'o.id', 's.operator_id')
    .select(['o.id', 'o.platform_key', 's.score', 's.domestic_facing'])
    .execute();
  const scoreOf = (ad: DemoAd) => scores.find((s) => s.platform_key === `id:${ad.sellerId}`)!;
  const lowestDomestic = Math.min(...domestic.map((ad) => Number(scoreOf(ad).score)));
  const highestInternational = Math.max(...international.map((ad) => Number(scoreOf(ad).score)));
  t.true(lowestDomestic > highestInternational, `${lowestDomestic} > ${highestInternational}`);
  t.true(domestic.every((ad) => scoreOf(ad).domestic_facing));
  t.false(international.some((ad) => scoreOf(ad).domestic_facing));

  const why = (await explainOperator(rig.store.db, scoreOf(domestic[0]!).id))!;
  const signal = (code: string) => why.signals.find((s) => s.signal === code)!;
  t.is(signal('domestic_payment_rails').strength, 1);
  t.true((signal('domestic_payment_rails').evidence.methods as { method: string }[]).some((m) => m.method === 'alipay'));
  t.is(signal('cny_listings').strength, 1);
  t.is(signal('han_script').strength, 1);
  t.is(signal('domestic_contact').strength, 1);
  const handle = (signal('domestic_contact').evidence.contacts as { handle: string }[])[0]!.handle;
  t.true(domestic[0]!.terms.includes(handle), 'the handle is stored in full');
  t.like(signal('offshore_platform').evidence, { declared: [{ sourceId: 'demo-api', country: 'SC' }] });
  t.like((signal('offshore_platform').evidence.resolved as unknown[])[0], { host: '127.0.0.1', country: null, note: 'loopback address' });

  const alerts = await rig.store.db
    .selectFrom('alerts')
    .where('kind', '=', 'new_domestic_facing_operator')
    .select(['operator_id', sql<number>`count(*)::int`.as('n')])
    .groupBy('operator_id')
    .execute();
  t.is(alerts.length, scores.filter((s) => s.domestic_facing).length, 'one alert per domestic-facing operator');
  t.true(alerts.every((a) => Number(a.n) === 1), 'rescoring never alerts twice');
});

test(title('operators and operators explain show signals with their evidence, contact handles masked'), async (t) => {
  const [{ cli }, market] = await Promise.all([cliRig(t), startDemoMarketplace()]);
  t.teardown(() => market.close());
  t.is((await cli('sources', 'set', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0')).code, 0);
  const crawl = await cli('crawl', 'demo-api');
  t.is(crawl.code, 0, crawl.stderr);

  const withHandle = sellers(market.state().ads).find((ad) => ad.fiat === 'CNY' && CONTACT.test(ad.terms))!;
  const [, keyword, handle] = /(加微信|QQ|电话) (\S+)/.exec(withHandle.terms)!;
  const kind = { 加微信: 'wechat', QQ: 'qq', 电话: 'mobile' }[keyword!]!;
  const masked = maskHandle(handle!);

  const list = await cli('operators', '--domestic', '--source', 'demo-api', '--json', '--limit', '500');
  t.is(list.code, 0, list.stderr);
  const rows = JSON.parse(list.stdout) as { id: number; operatorKey: string; score: number; domesticFacing: boolean; signals: { signal: string }[] }[];
  t.true(rows.length > 10 && rows.every((r) => r.domesticFacing && r.score >= 50));
  t.true(rows.every((r, i) => i === 0 || rows[i - 1]!.score >= r.score), 'highest score first');
  const operator = rows.find((r) => r.operatorKey === `id:${withHandle.sellerId}`)!;
  t.truthy(operator);
  t.true(operator.signals.some((s) => s.signal === 'domestic_contact'));


  const explain = await cli('operators', 'explain', String(operator.id));
  t.is(explain.code, 0, explain.stderr);
  for (const code of ['domestic_payment_rails', 'cny_listings', 'domestic_contact', 'offshore_platform', 'han_script', 'cny_order_volume', 'mainland_daytime']) {
    t.regex(explain.stdout, new RegExp(`\\n${code}: \\d+ × \\d\\.\\d{3} = \\d+\\.\\d{2}\\n`));
  }
  t.regex(explain.stdout, /^operator #\d+ .* on demo \(id:s\d{4}\)/);
  t.regex(explain.stdout, /score \d+\.\d\d of 100: domestic-facing \(threshold 50\); scored after run #1/);
  const star = masked.replace(/\*/g, '\\*');
  t.regex(explain.stdout, new RegExp(`${kind} ${star} in terms "[^"]*${keyword} ${star}": listings #\\d+.*; first seen in runs #1; observations #\\d+`));
  t.regex(explain.stdout, /\n {2}(\d) of \1 listings quote CNY: listings #\d+/);
  t.regex(explain.stdout, /run #1: 127\.0\.0\.1 → 127\.0\.0\.1 → unknown \(loopback address\)/);

  // The seller's id on the platform, bare or with its platform, names the same operator.
  for (const ref of [withHandle.sellerId, `demo:${withHandle.sellerId}`, `demo:id:${withHandle.sellerId}`]) {
    const byKey = await cli('operators', 'explain', ref);
    t.is(byKey.code, 0, byKey.stderr);
    t.is(byKey.stdout, explain.stdout, ref);
  }
  const unknown = await cli('operators', 'explain', 'okx:nobody');
  t.is(unknown.code, 1);
  t.is(unknown.stderr.trim(), 'otcwatch: no operator "okx:nobody" (an id, a platform\'s seller id, or platform:id); list them with: otcwatch operators');

  const json = await cli('operators', 'explain', String(operator.id), '--json');
  for (const output of [list.stdout, explain.stdout, json.stdout]) t.false(output.includes(handle!), 'no full handle in CLI output');
  t.true(json.stdout.includes(masked));
});
