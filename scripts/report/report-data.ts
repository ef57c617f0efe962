import type { Kysely } from 'kysely';
import type { AlertRecord } from '../../store/alerts.ts';
import { ALERT_KINDS } from '../../store/alerts.ts';
import { alertTimeline } from '../../store/report/alert-timeline.ts';
import { methodAdoption } from '../../store/report/method-adoption.ts';
import { priceSeries, type PricePoint } from '../../store/report/price-series.ts';
import type { RunFilter } from '../../store/report/report-filter.ts';
import { rankedDomesticOperators, reportAlerts, runOutcomes, type RankedOperator, type RunOutcome } from '../../store/report/report-tables.ts';
import type { Database } from '../../store/schema.ts';
import { groupBy } from '../jobs/group-by.ts';

/**
 * One chart as the page draws it (uPlot's column layout): `x` is the runs'
 * start times in Unix seconds, each series one line with a value per x.
 * `band` names two series (upper, lower) whose gap is shaded.
 */
export interface ChartSpec {
  id: string;
  title: string;
  yLabel: string;
  x: number[];
  series: { label: string; values: number[] }[];
  band?: [number, number];
}

/** Everything a report shows, read from the store by the report's queries. */
export interface ReportData {
  generatedAt: Date;
  store: string;
  filter: RunFilter;
  charts: { prices: ChartSpec[]; adoption: ChartSpec[]; alerts: ChartSpec[] };
  operators: RankedOperator[];
  alerts: AlertRecord[];
  runs: RunOutcome[];
}

/**
 * Reads a report's data: per market (source, side, asset, fiat) a price
 * chart (median with the p10–p90 band) and an available-volume chart; per
 * source a domestic payment-method adoption chart; the alerts per run; the
 * ranked domestic-facing operators; the latest alerts and runs.
 *
 * @example
 * const data = await reportData(store.db, { sourceIds: ['demo-api'] }, { now: new Date(), store: 'pglite ./.otcwatch/pgdata' });
 * data.charts.prices.length; // 2 per market
 */
export async function reportData(db: Kysely<Database>, filter: RunFilter, context: { now: Date; store: string }): Promise<ReportData> {
  const [prices, adoption, timeline, operators, alerts, runs] = await Promise.all([
    priceSeries(db, filter),
    methodAdoption(db, filter),
    alertTimeline(db, filter),
    rankedDomesticOperators(db, filter),
    reportAlerts(db, filter),
    runOutcomes(db, filter),
  ]);
  const priceCharts = [...groupBy(prices, (p) => `${p.sourceId} · ${p.side} ${p.asset}/${p.fiat}`)].flatMap(([market, points], i) => marketCharts(market, points, i));
  const adoptionCharts = [...groupBy(adoption, (p) => p.sourceId)].map(([sourceId, points], i) => {
    const byMethod = groupBy(points, (p) => p.methodName);
    const first = [...byMethod.values()][0]!;
    return {
      id: `adoption-${i}`,
      title: `${sourceId}: operators accepting each domestic payment method, per run`,
      yLabel: 'operators',
      x: first.map((p) => seconds(p.startedAt)),
      series: [...byMethod].map(([label, ps]) => ({ label, values: ps.map((p) => p.operators) })),
    };
  });
  const byKind = groupBy(timeline, (p) => p.kind);
  const firstKind = byKind.get(ALERT_KINDS[0]!) ?? [];
  const alertCharts = firstKind.length === 0 ? [] : [{
    id: 'alerts-0',
    title: 'Alerts raised per run, by kind',
    yLabel: 'alerts',
    x: firstKind.map((p) => seconds(p.startedAt)),
    series: [...byKind].map(([label, ps]) => ({ label, values: ps.map((p) => p.alerts) })),
  }];
  return { generatedAt: context.now, store: context.store, filter, charts: { prices: priceCharts, adoption: adoptionCharts, alerts: alertCharts }, operators, alerts, runs };
}

function marketCharts(market: string, points: PricePoint[], i: number): ChartSpec[] {
  const x = points.map((p) => seconds(p.startedAt));
  const unit = points[0]!.fiat;
  return [
    {
      id: `price-${i}`,
      title: `${market}: price (median, p10–p90 band)`,
      yLabel: unit,
      x,
      series: [
        { label: 'median', values: points.map((p) => p.median) },
        { label: 'p90', values: points.map((p) => p.p90) },
        { label: 'p10', values: points.map((p) => p.p10) },
      ],
      band: [2, 3],
    },
    {
      id: `volume-${i}`,
      title: `${market}: available volume (${points[0]!.asset})`,
      yLabel: points[0]!.asset,
      x,
      series: [{ label: 'available', values: points.map((p) => Number(p.available)) }],
    },
  ];
}

function seconds(at: Date): number {
  return at.getTime() / 1000;
}
