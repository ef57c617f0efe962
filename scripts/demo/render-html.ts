import { renderAdsMarkup } from './render-ads.ts';
import type { AdsView } from './render-ads.ts';
import type { DemoAd } from './marketplace-state.ts';

/**
 * Server-rendered pages of the demo marketplace. `/market` puts the shared
 * ads markup inside `<div id="app">`, exactly where `/app` renders the same
 * markup in the browser.
 *
 * @example
 * renderMarketPage({ items, page: 1, hasNext: true, basePath: '/market' }, 0);
 */
export function renderMarketPage(view: AdsView, tick: number): string {
  return page(`OTC 承兑市场 - 第 ${view.page} 页`, `<header><h1>演示 OTC 市场</h1><p class="tick" data-tick="${tick}">数据版本 ${tick}</p></header>
<div id="app">${renderAdsMarkup(view)}</div>`);
}

/** `/u/<sellerId>`: the seller's name, record, terms and current ads. */
export function renderProfilePage(sellerId: string, ads: DemoAd[]): string {
  const first = ads[0];
  if (!first) return renderMessagePage('用户不存在', `<p class="not-found">用户 ${escapeHtml(sellerId)} 不存在或已下架</p>`);
  return page(`${first.sellerName} - 商家主页`, `<div class="profile" data-seller-id="${escapeHtml(sellerId)}">
<h1 class="seller-name">${escapeHtml(first.sellerName)}</h1>
<p class="completion" data-rate="${escapeHtml(first.completionRate)}">成交单 ${first.orders}</p>
<p class="terms">${escapeHtml(first.terms)}</p>
</div>
<div id="app">${renderAdsMarkup({ items: ads, page: 1, hasNext: false, basePath: `/u/${sellerId}` })}</div>`);
}

/** The interstitial a `captcha` fault serves instead of content. */
export function renderCaptchaPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Verify you are human</title></head>
<body><div class="captcha"><h1>Verify you are human</h1>
<p>Complete the check below to continue.</p>
<form method="post" action="/_captcha"><label><input type="checkbox" name="human"> I am not a robot</label></form>
</div></body></html>
`;
}

/** A small page for errors and the index. */
export function renderMessagePage(title: string, bodyHtml: string): string {
  return page(title, bodyHtml);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// The `data:` icon keeps browsers from asking for /favicon.ico, which would be noise in the request log.
function page(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/demo.css"></head>
<body>
${bodyHtml}
</body></html>
`;
}
