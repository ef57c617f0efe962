import { sql, type Kysely, type Selectable } from 'kysely';
import { jsonRows } from './json-rows.ts';
import type { AlertKind, AlertsTable, Database } from './schema.ts';

export type { AlertKind } from './schema.ts';

/** Every alert kind, in the order the CLI lists them. */
export const ALERT_KINDS: readonly AlertKind[] = [
  'new_domestic_payment_method',
  'new_domestic_facing_operator',
  'operator_vanished',
  'price_move',
  'volume_move',
  'baseline_digest',
];

/** An alert to raise. `dedupKey` names the fact: raising the same key again is a no-op. */
export interface NewAlert {
  kind: AlertKind;
  sourceId: string;
  /** The run that raised it. */
  runId: number;
  operatorId?: number | null;
  listingId?: number | null;
  /** One readable line, e.g. `金沙承兑 now accepts Alipay (domestic) on 2 listings`. */
  subject: string;
  payload: Record<string, unknown>;
  dedupKey: string;
  /** Raised by a source's first run: stored, not delivered one by one (see `baselineDigest`). */
  baseline?: boolean;
}

/** A stored alert, as sinks receive it and `otcwatch alerts --json` prints it. */
export interface AlertRecord {
  id: number;
  kind: AlertKind;
  sourceId: string;
  runId: number;
  operatorId: number | null;
  listingId: number | null;
  subject: string;
  payload: Record<string, unknown>;
  dedupKey: string;
  createdAt: Date;
  ackedAt: Date | null;
  baseline: boolean;
}

/**
 * Which of the dedup keys no stored alert has yet: the facts still to
 * raise, so a pass that meets many facts raised before (every
 * domestic-facing operator of a run) builds alerts for the new ones only.
 *
 * @example
 * await unraisedDedupKeys(db, ['new_domestic_facing_operator:operator:12', 'new_domestic_facing_operator:operator:13']);
 * // ['new_domestic_facing_operator:operator:13']
 */
export async function unraisedDedupKeys(db: Kysely<Database>, dedupKeys: string[]): Promise<string[]> {
  if (dedupKeys.length === 0) return [];
  const rows = await sql<{ key: string }>`
    select k.key from unnest(${dedupKeys}::text[]) with ordinality as k(key, n)
     where not exists (select 1 from alerts a where a.dedup_key = k.key)
     order by k.n`.execute(db);
  return rows.rows.map((r) => r.key);
}

/**
 * Stores alerts, skipping any whose `dedupKey` is already stored
 * (`on conflict (dedup_key) do nothing`); returns how many were new.
 *
 * @example
 * const added = await insertAlerts(db, [{
 *   kind: 'new_domestic_facing_operator', sourceId: 'demo-api', runId: 7, operatorId: 12,
 *   subject: '金沙承兑 looks domestic-facing (score 0.82)', payload: { score: '0.82' },
 *   dedupKey: 'new_domestic_facing_operator:demo-api:operator:12',
 * }]);
 * // added === 1 the first time, 0 ever after
 */
export async function insertAlerts(db: Kysely<Database>, alerts: NewAlert[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const { columns, select } = jsonRows(
    'alerts',
    alerts.map((a) => ({
      kind: a.kind,
      source_id: a.sourceId,
      run_id: a.runId,
      operator_id: a.operatorId ?? null,
      listing_id: a.listingId ?? null,
      subject: a.subject,
      // Inside the JSON rows the payload travels as itself, read into jsonb by the row type.
      payload: a.payload as unknown as string,
      dedup_key: a.dedupKey,
      baseline: a.baseline ?? false,
    })),
  );
  const rows = await db.insertInto('alerts').columns(columns).expression(select).onConflict((oc) => oc.column('dedup_key').doNothing()).returning('id').execute();
  return rows.length;
}

export interface AlertListOptions {
  /** Only alerts created at or after this time. */
  since?: Date;
  kind?: AlertKind;
  /** Include acknowledged alerts; default false. */
  includeAcked?: boolean;
  /** Include baseline alerts (a first run's, delivered as one digest); default false. */
  includeBaseline?: boolean;
  /** Only alerts raised by this run. */
  runId?: number;
  /** Default 100. */
  limit?: number;
}

/**
 * Alerts, newest first; by default only those not yet acknowledged.
 *
 * @example
 * const open = await listAlerts(db, { kind: 'new_domestic_payment_method', since: new Date(Date.now() - 2 * 3600_000) });
 */
export async function listAlerts(db: Kysely<Database>, options: AlertListOptions = {}): Promise<AlertRecord[]> {
  let query = db.selectFrom('alerts').selectAll().orderBy('id', 'desc').limit(options.limit ?? 100);
  if (options.since) query = query.where('created_at', '>=', options.since);
  if (options.kind) query = query.where('kind', '=', options.kind);
  if (!options.includeAcked) query = query.where('acked_at', 'is', null);
  if (!options.includeBaseline) query = query.where('baseline', '=', false);
  if (options.runId !== undefined) query = query.where('run_id', '=', options.runId);
  return (await query.execute()).map(alertRecord);
}

/**
 * Marks an alert acknowledged (kept, hidden from `otcwatch alerts` unless `--all`).
 * Returns false when no alert has that id; acknowledging twice keeps the first time.
 *
 * @example
 * await ackAlert(db, 42);
 */
export async function ackAlert(db: Kysely<Database>, id: number, at = new Date()): Promise<boolean> {
  const found = await db.selectFrom('alerts').select('id').where('id', '=', id).executeTakeFirst();
  if (!found) return false;
  await db.updateTable('alerts').set({ acked_at: at }).where('id', '=', id).where('acked_at', 'is', null).execute();
  return true;
}

/** A row of `alerts` in the shape the rest of otcwatch uses. */
export function alertRecord(row: Selectable<AlertsTable>): AlertRecord {
  return {
    id: row.id,
    kind: row.kind,
    sourceId: row.source_id,
    runId: row.run_id,
    operatorId: row.operator_id,
    listingId: row.listing_id,
    subject: row.subject,
    payload: row.payload,
    dedupKey: row.dedup_key,
    createdAt: row.created_at,
    ackedAt: row.acked_at,
    baseline: row.baseline,
  };
}
