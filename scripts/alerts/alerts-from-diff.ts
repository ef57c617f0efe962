import type { NewAlert } from '../../store/alerts.ts';
import type { ListingMethodFact, RunDiff } from '../../store/diff/run-diff.ts';
import { listingLabel, percent } from '../output/diff-lines.ts';
import { groupBy } from '../jobs/group-by.ts';

/**
 * The alerts a diff raises, each with a dedup key that names the fact and
 * the diff's baseline (from-run), `<kind>:<source>:<subject>:baseline:<from>`:
 *
 * - `new_domestic_payment_method` — one per (operator, domestic method)
 *   when the operator's method set gains it, or one of its listings gains
 *   it while another listing already had it; `…:operator:<id>:<method>:baseline:<from>`.
 * - `operator_vanished` — `…:operator:<id>:baseline:<from>`; the diff
 *   reports vanishes only for complete to-runs.
 * - `price_move`, `volume_move` — `…:listing:<id>:baseline:<from>`.
 *
 * Keying on the baseline makes re-running harmless and keeps one alert per
 * change: a partial run and the complete run after it are both diffed
 * against the same complete baseline, so they raise the same keys; the run
 * after that has the change in its baseline, so the fact is gone. A method
 * dropped and added again is a new baseline, so a new alert.
 *
 * @example
 * await insertAlerts(db, alertsFromDiff(diff));
 * // [{ kind: 'new_domestic_payment_method', subject: '金沙承兑 now accepts Alipay (domestic) on ad000017, ad000018',
 * //    dedupKey: 'new_domestic_payment_method:demo-api:operator:12:alipay:baseline:3', … }]
 */
export function alertsFromDiff(diff: RunDiff): NewAlert[] {
  const base = { sourceId: diff.sourceId, runId: diff.to.id };
  const runs = { fromRunId: diff.from.id, toRunId: diff.to.id };
  const key = (kind: string, subject: string) => `${kind}:${diff.sourceId}:${subject}:baseline:${diff.from.id}`;
  const alerts: NewAlert[] = [];

  const operatorAdds = diff.methods.operators.added.filter((m) => m.domestic);
  for (const m of operatorAdds) {
    alerts.push({
      ...base,
      kind: 'new_domestic_payment_method',
      operatorId: m.operatorId,
      subject: `${m.operatorName} now accepts ${m.methodName} (domestic) on ${m.listingKeys.join(', ')}`,
      payload: { ...runs, scope: 'operator', ...m },
      dedupKey: key('new_domestic_payment_method', `operator:${m.operatorId}:${m.method}`),
    });
  }
  const alerted = new Set(operatorAdds.map((m) => `${m.operatorId}:${m.method}`));
  for (const [group, facts] of groupBy(diff.methods.listings.added.filter((m) => m.domestic), (m) => `${m.operatorId}:${m.method}`)) {
    if (alerted.has(group)) continue;
    const first = facts[0]!;
    alerts.push({
      ...base,
      kind: 'new_domestic_payment_method',
      operatorId: first.operatorId,
      listingId: facts.length === 1 ? first.listingId : null,
      subject: `${first.operatorName} now also accepts ${first.methodName} (domestic) on ${facts.map((f) => f.listingKey).join(', ')}`,
      payload: { ...runs, scope: 'listing', ...methodOf(first), operatorId: first.operatorId, operatorName: first.operatorName, listings: facts },
      dedupKey: key('new_domestic_payment_method', `operator:${first.operatorId}:${first.method}`),
    });
  }

  for (const op of diff.operators.vanished) {
    alerts.push({
      ...base,
      kind: 'operator_vanished',
      operatorId: op.operatorId,
      subject: `${op.operatorName} vanished: none of its ${op.listings} listing${op.listings === 1 ? '' : 's'} is listed any more`,
      payload: { ...runs, ...op },
      dedupKey: key('operator_vanished', `operator:${op.operatorId}`),
    });
  }

  for (const [kind, label, moves] of [['price_move', 'price', diff.priceMoves], ['volume_move', 'available', diff.volumeMoves]] as const) {
    for (const move of moves) {
      const unit = kind === 'price_move' ? move.fiat : move.asset;
      alerts.push({
        ...base,
        kind,
        operatorId: move.operatorId,
        listingId: move.listingId,
        subject: `${listingLabel(move)}: ${label} ${move.old} → ${move.new} ${unit} (${percent(move)})`,
        payload: { ...runs, ...move },
        dedupKey: key(kind, `listing:${move.listingId}`),
      });
    }
  }
  return alerts;
}

function methodOf(m: ListingMethodFact) {
  return { method: m.method, methodCode: m.methodCode, methodName: m.methodName, domestic: m.domestic };
}
