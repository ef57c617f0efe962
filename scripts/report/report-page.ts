import { createHash } from 'node:crypto';
import type { ReportData } from './report-data.ts';
import { html, jsonForScript, trustedHtml, type Html } from './html.ts';

/** The code the page runs and styles it with, read at generation time and inlined. */
export interface ReportAssets {
  chartLibrary: string;
  chartStyles: string;
  clientScript: string;
}

/**
 * The report as one self-contained HTML document: uPlot and the page's
 * script inlined, the data as escaped JSON, every seller string escaped as
 * HTML after `safeText`. A Content-Security-Policy allows no network at
 * all and only the two inlined scripts (by hash), so even markup that got
 * through could neither run nor load anything.
 *
 * @example
 * writeFileSync('report.html', renderReport(await reportData(db, {}, ctx), await reportAssets()));
 */
export function renderReport(data: ReportData, assets: ReportAssets): string {
  const scriptHashes = [assets.chartLibrary, assets.clientScript].map((code) => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`);
  const csp = `default-src 'none'; script-src ${scriptHashes.join(' ')}; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  const { prices, adoption, alerts } = data.charts;
  const filter = [
    data.filter.sourceIds?.length ? `sources ${data.filter.sourceIds.join(', ')}` : 'all sources',
    data.filter.since ? `runs since ${data.filter.since.toISOString()}` : 'all runs',
  ].join('; ');
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>otcwatch report</title>
<style>${trustedHtml(assets.chartStyles)}</style>
<style>${trustedHtml(PAGE_STYLES)}</style>
</head>
<body>
<header>
<h1>otcwatch report</h1>
<p class="meta">Generated ${data.generatedAt.toISOString()} from the store ${data.store}; ${filter}. Seller-written text is shown with control characters removed and contact handles masked; the store keeps it in full.</p>
</header>
<section id="prices"><h2>Prices and available volume</h2>
${prices.length === 0 ? html`<p>No closed runs with listings.</p>` : html`<div class="charts">${prices.map((c) => html`<div class="chart" id="${c.id}" data-title="${c.title}"></div>`)}</div>`}
</section>
<section id="adoption"><h2>Domestic payment-method adoption</h2>
<p>Operators with at least one listing accepting each mainland method, per run.</p>
<div class="charts">${adoption.map((c) => html`<div class="chart" id="${c.id}" data-title="${c.title}"></div>`)}</div>
</section>
<section id="operators"><h2>Domestic-facing operators</h2>
<p>Ranked by score (threshold 50). Evidence ids open with <code>otcwatch evidence show &lt;id&gt;</code>, observation ids with <code>otcwatch evidence show observation:&lt;id&gt;</code>: the page as the server sent it, from the run's WARC archive.</p>
${operatorTable(data)}
</section>
<section id="alerts"><h2>Alerts</h2>
<div class="charts">${alerts.map((c) => html`<div class="chart" id="${c.id}" data-title="${c.title}"></div>`)}</div>
${alertTable(data)}
</section>
<section id="runs"><h2>Runs</h2>
${runTable(data)}
</section>
<script type="application/json" id="report-data">${jsonForScript(data.charts)}</script>
<script>${trustedHtml(assets.chartLibrary)}</script>
<script>${trustedHtml(assets.clientScript)}</script>
</body>
</html>
`;
  return page.value;
}

function operatorTable(data: ReportData): Html {
  if (data.operators.length === 0) return html`<p>No domestic-facing operators in these runs.</p>`;
  return html`<table class="operators"><thead><tr><th>#</th><th>operator</th><th>platform key</th><th>score</th><th>signals: weight × strength = points; evidence</th></tr></thead><tbody>
${data.operators.map((op, i) => html`<tr><td>${i + 1}</td><td><span class="seller">${op.name}</span><br><small>operator ${op.operatorId} on ${op.platform}</small></td><td>${op.operatorKey}</td><td class="n">${op.score.toFixed(2)}</td><td><ul>${op.signals.map(
    (s) => html`<li><b>${s.signal}</b> ${s.weight} × ${s.strength.toFixed(3)} = ${s.points.toFixed(2)}${s.evidenceIds.length ? html`; evidence ${ids(s.evidenceIds)}` : ''}${s.observationIds.length ? html`; observations ${ids(s.observationIds)}` : ''}</li>`,
  )}</ul></td></tr>`)}
</tbody></table>`;
}

function alertTable(data: ReportData): Html {
  if (data.alerts.length === 0) return html`<p>No alerts raised by these runs.</p>`;
  return html`<table><thead><tr><th>alert</th><th>raised</th><th>kind</th><th>source · run</th><th>subject</th></tr></thead><tbody>
${data.alerts.map((a) => html`<tr><td class="n">${a.id}</td><td>${a.createdAt.toISOString()}</td><td>${a.kind}</td><td>${a.sourceId} · #${a.runId}</td><td class="seller">${a.subject}</td></tr>`)}
</tbody></table>`;
}

function runTable(data: ReportData): Html {
  if (data.runs.length === 0) return html`<p>No runs.</p>`;
  return html`<table><thead><tr><th>run</th><th>source</th><th>status</th><th>started</th><th>seconds</th><th>pages ok</th><th>pages failed</th><th>listings</th><th>parse failures</th><th>error</th></tr></thead><tbody>
${data.runs.map((r) => html`<tr class="${r.status}"><td class="n">${r.runId}</td><td>${r.sourceId}</td><td>${r.status}</td><td>${r.startedAt.toISOString()}</td><td class="n">${r.finishedAt ? ((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1) : ''}</td><td class="n">${r.pagesOk}</td><td class="n">${r.pagesFailed}</td><td class="n">${r.listings}</td><td class="n">${r.parseFailures}</td><td>${r.error ?? ''}</td></tr>`)}
</tbody></table>`;
}

function ids(values: readonly number[]): string {
  const shown = values.slice(0, 12).map((id) => `#${id}`).join(', ');
  return values.length > 12 ? `${shown} (+${values.length - 12} more)` : shown;
}

const PAGE_STYLES = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem; color: #1b1b1b; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2rem; }
.meta { color: #555; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.chart { flex: 1 1 540px; min-width: 320px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fdecea; } tr.partial td { background: #fff8e1; }
ul { margin: 0; padding-left: 1.1rem; }
.seller { white-space: pre-wrap; word-break: break-word; }
`;
