/**
 * The demo pages' sub-resources. They exist so a browser crawl requests them
 * and the request log can show whether the crawler blocked images and fonts.
 *
 * @example
 * res.writeHead(200, { 'content-type': 'image/png' }).end(PAY_ICON_PNG);
 */

/** A valid 1×1 transparent PNG, served for every `/icons/<name>.png`. */
export const PAY_ICON_PNG: Buffer = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** `/fonts/demo.woff2`: the woff2 signature and padding — enough for a browser to fetch, not to draw. */
export const DEMO_FONT: Buffer = Buffer.concat([Buffer.from('wOF2', 'latin1'), Buffer.alloc(60)]);

/** `/static/demo.css`: uses the web font on the body, so a browser really requests it. */
export const DEMO_CSS = `@font-face {
  font-family: "OtcDemo";
  src: url(/fonts/demo.woff2) format("woff2");
  font-display: swap;
}
body { font-family: "OtcDemo", "PingFang SC", sans-serif; margin: 1.5rem; }
table.ads { border-collapse: collapse; width: 100%; }
table.ads th, table.ads td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.5rem; text-align: left; }
td.price, td.available, td.rate, td.orders { font-variant-numeric: tabular-nums; }
img.pay-icon { width: 16px; height: 16px; margin-right: 4px; }
.no-results, .load-error { color: #888; }
nav.pager a { margin-left: 1rem; }
`;
