import type { ExecutionContext } from 'ava';
import { pageOfAds, readPaging } from '../../scripts/demo/ads-page.ts';
import { demoState, type DemoAd } from '../../scripts/demo/marketplace-state.ts';
import { startLocalServer } from './local-server.ts';

/**
 * A local marketplace speaking the demo JSON API (`GET /api/v1/ads?page=N&rows=M`,
 * the `demo-api` adapter's shape) over ads a test chooses per tick: the demo
 * state with hostile sellers written in, or thousands of made-up sellers.
 * Closed after the test.
 *
 * @example
 * const market = await startAdsServer(t, (tick) => hostileAds(tick));
 * await rig.source('demo-api'); // then point it at market.url
 * market.advance();
 */
export async function startAdsServer(t: ExecutionContext, adsAt: (tick: number) => DemoAd[]): Promise<{ url: string; advance(): void }> {
  let tick = 0;
  const server = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/robots.txt') return res.writeHead(404).end();
    const paging = readPaging(url.searchParams, 50);
    const body = 'error' in paging ? { code: 40001, msg: paging.error, data: null } : { code: 0, msg: 'ok', data: pageOfAds({ tick, ads: adsAt(tick) }, paging.page, paging.rows) };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  });
  t.teardown(() => server.close());
  return { url: server.url, advance: () => (tick += 1) };
}

const ESC = '\u001b';

/** Hostile seller names: markup that would run if a page parsed it, and a name that rewrites a terminal. */
export const HOSTILE = {
  imgName: '<img src=x onerror="window.__pwned=1">金沙',
  scriptName: '<script>window.__pwned=2</script>承兑',
  escName: `${ESC}]0;pwned${ESC}\\${ESC}[2J${ESC}[31m鑫汇 加微信 jinsha123${ESC}[0m\u0000`,
  terms: `秒放 ${ESC}]52;c;aGk=\u0007 微信: fuyuan45 ${ESC}[1A<b>bold</b>\u0000`,
  /** The contact handles written into them, which must never appear in full outside the store. */
  handles: ['jinsha123', 'fuyuan45'],
} as const;

/**
 * The demo marketplace's ads at a tick (seed 42), with the first three
 * sellers renamed to the `HOSTILE` names and their terms replaced by
 * `HOSTILE.terms`; everything else as the demo serves it.
 *
 * @example
 * hostileAds(0).find((ad) => ad.sellerId === 's0001')?.sellerName; // HOSTILE.imgName
 */
export function hostileAds(tick: number): DemoAd[] {
  const names: Record<string, string> = { s0001: HOSTILE.imgName, s0002: HOSTILE.scriptName, s0003: HOSTILE.escName };
  return demoState(42, tick).ads.map((ad) => (names[ad.sellerId] ? { ...ad, sellerName: names[ad.sellerId]!, terms: HOSTILE.terms } : ad));
}

/**
 * `count` made-up sellers with one sell ad each; every tenth quotes USD,
 * has a Latin name and takes Wise (not domestic-facing), the others quote
 * CNY with a Han name and take Alipay and WeChat Pay (domestic-facing).
 *
 * @example
 * const ads = manySellers(5000); // 4,500 domestic-facing
 */
export function manySellers(count: number): DemoAd[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, '0');
    const domestic = i % 10 !== 0;
    return {
      adId: `ad${n}`,
      sellerId: `s${n}`,
      sellerName: domestic ? `承兑商${n}` : `Desk ${n}`,
      side: 'sell',
      asset: 'USDT',
      fiat: domestic ? 'CNY' : 'USD',
      price: domestic ? `7.${String(100 + (i % 50)).slice(1)}` : '1.001',
      available: `${1000 + i}.50`,
      minOrder: '100.00',
      maxOrder: '50000.00',
      payMethods: domestic ? ['ALIPAY', 'WECHAT'] : ['WISE'],
      terms: domestic ? '秒放，诚信交易' : 'Fast release',
      completionRate: '0.990',
      orders: 100 + i,
    };
  });
}
