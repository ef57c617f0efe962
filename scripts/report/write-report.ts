import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Store } from '../../store/connection.ts';
import type { RunFilter } from '../../store/report/report-filter.ts';
import { reportData } from './report-data.ts';
import { renderReport, type ReportAssets } from './report-page.ts';

/**
 * Writes the HTML report of a store's runs (see `renderReport`) to `out`
 * and says what it holds.
 *
 * @example
 * const written = await writeReport(store, { filter: { sourceIds: ['demo-api'] }, out: 'report.html' });
 * // { out: 'report.html', bytes: 83412, charts: 7, operators: 35, runs: 12 }
 */
export async function writeReport(store: Store, options: { filter: RunFilter; out: string; now?: Date }) {
  const data = await reportData(store.db, options.filter, { now: options.now ?? new Date(), store: `${store.engine} ${store.location}` });
  const page = renderReport(data, await reportAssets());
  await writeFile(options.out, page, 'utf8');
  const { prices, adoption, alerts } = data.charts;
  return { out: options.out, bytes: Buffer.byteLength(page), charts: prices.length + adoption.length + alerts.length, operators: data.operators.length, runs: data.runs.length };
}

/** uPlot's browser build and stylesheet from the installed package, and the page's own script. */
export async function reportAssets(): Promise<ReportAssets> {
  const require = createRequire(import.meta.url);
  const [chartLibrary, chartStyles, clientScript] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    readFile(path.join(import.meta.dirname, 'report-client.js'), 'utf8'),
  ]);
  return { chartLibrary, chartStyles, clientScript };
}
