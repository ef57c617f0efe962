import type { DemoAd } from './marketplace-state.ts';

/** What one rendered page of ads needs: the ads, where it is, and how to link onward. */
export interface AdsView {
  items: DemoAd[];
  page: number;
  hasNext: boolean;
  /** Path the pager links to, `/market` or `/app`; `?page=N` is appended. */
  basePath: string;
}

/**
 * The ads table markup, shared by the server-rendered `/market` page and the
 * browser-rendered `/app` page. It is self-contained on purpose — no imports,
 * no outer constants — because `/app` ships `renderAdsMarkup.toString()` to
 * the browser; one source means the two pages cannot drift apart.
 *
 * Every value is printed so that a parser with decimal handling gets the
 * API's value back exactly: `¥650,000.00` is `"650000.00"`, `98.7%` is
 * `"0.987"`. A value that is not a decimal (a malformed row) is printed raw.
 *
 * @example
 * renderAdsMarkup({ items: state.ads.slice(0, 20), page: 1, hasNext: true, basePath: '/market' });
 * // '<table class="ads">…<tr class="ad" data-ad-id="ad000001">…</table><nav class="pager">…'
 */
export function renderAdsMarkup(view: AdsView): string {
  const PAY: Record<string, [string, string]> = {
    ALIPAY: ['alipay', '支付宝'],
    WECHAT: ['wechat', '微信'],
    BANK: ['bank', '银行卡'],
    UNIONPAY: ['unionpay', '云闪付'],
    WISE: ['wise', 'Wise'],
    PAYPAL: ['paypal', 'PayPal'],
    FPS: ['fps', 'FPS'],
  };
  const SYMBOL: Record<string, string> = { CNY: '¥', USD: 'US$', HKD: 'HK$' };
  const SIDE: Record<string, string> = { sell: '出售', buy: '购买' };
  const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

  const esc = (text: string): string =>
    String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  // Thousands separators on the integer part only; the fraction stays as served.
  const grouped = (value: string): string => {
    const m = DECIMAL.exec(value);
    if (!m) return value;
    const int = (m[1] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return m[2] === undefined ? int : `${int}.${m[2]}`;
  };
  const money = (fiat: string, value: string): string =>
    DECIMAL.test(value) ? (SYMBOL[fiat] ?? `${fiat} `) + grouped(value) : value;
  // "0.987" → "98.7%" by moving the decimal point, never through a float.
  const percent = (fraction: string): string => {
    const m = DECIMAL.exec(fraction);
    if (!m) return fraction;
    const frac = (m[2] ?? '').padEnd(2, '0');
    const int = ((m[1] ?? '') + frac.slice(0, 2)).replace(/^0+(?=\d)/, '');
    const rest = frac.slice(2);
    return rest === '' ? `${int}%` : `${int}.${rest}%`;
  };
  const icon = (method: string): string => {
    const known = PAY[method];
    const slug = known ? known[0] : method.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const label = known ? known[1] : method;
    return `<img class="pay-icon pay-${esc(slug)}" src="/icons/${esc(slug)}.png" alt="${esc(label)}" title="${esc(label)}">`;
  };
  const row = (ad: DemoAd): string =>
    `<tr class="ad" data-ad-id="${esc(ad.adId)}">` +
    `<td class="seller"><a class="seller-link" href="/u/${esc(ad.sellerId)}">${esc(ad.sellerName)}</a></td>` +
    `<td class="side">${esc(SIDE[ad.side] ?? ad.side)}</td>` +
    `<td class="asset">${esc(ad.asset)}</td>` +
    `<td class="price">${esc(money(ad.fiat, ad.price))}</td>` +
    `<td class="fiat">${esc(ad.fiat)}</td>` +
    `<td class="available">${esc(`${grouped(ad.available)} ${ad.asset}`)}</td>` +
    `<td class="limits">${esc(`限额 ${money(ad.fiat, ad.minOrder)}-${money(ad.fiat, ad.maxOrder)}`)}</td>` +
    `<td class="pay">${ad.payMethods.map(icon).join('')}</td>` +
    `<td class="terms">${esc(ad.terms)}</td>` +
    `<td class="rate">${esc(percent(ad.completionRate))}</td>` +
    `<td class="orders">${esc(String(ad.orders))}</td>` +
    '</tr>\n';

  const head = ['商家', '方向', '币种', '单价', '法币', '数量', '限额', '支付方式', '交易条款', '成交率', '成交单'];
  let html = '<table class="ads">\n<thead><tr>' + head.map((h) => `<th>${h}</th>`).join('') + '</tr></thead>\n<tbody>\n';
  html += view.items.map(row).join('');
  html += '</tbody>\n</table>\n';
  if (view.items.length === 0) html += '<p class="no-results">暂无广告</p>\n';
  html += `<nav class="pager"><span class="page-no">第 ${view.page} 页</span>`;
  if (view.page > 1) html += ` <a rel="prev" class="prev" href="${esc(view.basePath)}?page=${view.page - 1}">上一页</a>`;
  if (view.hasNext) html += ` <a rel="next" class="next" href="${esc(view.basePath)}?page=${view.page + 1}">下一页</a>`;
  html += '</nav>\n';
  return html;
}
