import { hasNextPage } from './ads-page.ts';
import { renderAdsMarkup } from './render-ads.ts';

/**
 * `/app`: a shell that only a browser can read. Its inline script waits
 * `delayMs`, fetches `/api/v1/ads?page=N&rows=R` and renders the rows into
 * `#app` with the very function the server uses for `/market`
 * (`renderAdsMarkup.toString()`), so the two pages cannot drift. When done it
 * sets `body[data-ready="1"]` and appends `<div id="ads-ready">`; when the
 * API fails it shows `p.load-error`, sets `data-ready="error"` and appends
 * `<div id="ads-error">`, so a crawler can wait for `#ads-ready, #ads-error`.
 *
 * @example
 * renderAppShell({ page: 2, rows: 20, delayMs: 50 }); // '<!doctype html>…<div id="app">加载中…</div><script>…'
 */
export function renderAppShell(options: { page: number; rows: number; delayMs: number }): string {
  const config = JSON.stringify({ page: options.page, rows: options.rows, delayMs: options.delayMs, basePath: '/app' });
  // tsx/esbuild wrap inner functions in __name(fn, "name") when keeping names; the shim makes that a no-op.
  const script = `var __name = function (fn) { return fn; };
${hasNextPage.toString()}
${renderAdsMarkup.toString()}
(function () {
  var config = ${config.replace(/</g, '\\u003c')};
  var app = document.getElementById('app');
  function signal(state, markerId, text) {
    document.body.dataset.ready = state;
    var marker = document.createElement('div');
    marker.id = markerId;
    marker.textContent = text; // visible, so a default waitForSelector sees it
    document.body.appendChild(marker);
  }
  setTimeout(function () {
    fetch('/api/v1/ads?page=' + config.page + '&rows=' + config.rows, { headers: { accept: 'application/json' } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body || body.code !== 0 || !body.data) throw new Error((body && body.msg) || 'bad response');
        var data = body.data;
        app.innerHTML = renderAdsMarkup({ items: data.items, page: data.page, hasNext: hasNextPage(data), basePath: config.basePath });
        signal('1', 'ads-ready', '已加载 ' + data.items.length + ' 条广告');
      })
      .catch(function (error) {
        var p = document.createElement('p');
        p.className = 'load-error';
        p.textContent = '加载失败：' + (error && error.message ? error.message : String(error));
        app.replaceChildren(p);
        signal('error', 'ads-error', '加载失败');
      });
  }, config.delayMs);
})();
`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>OTC 承兑市场 (app) - 第 ${options.page} 页</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/demo.css"></head>
<body>
<header><h1>演示 OTC 市场</h1></header>
<div id="app">加载中…</div>
<script>
${script.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}
