import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { DOMESTIC_FACING_THRESHOLD } from './signals/signal-weights.ts';

/** One line of `otcwatch operators`. Names and evidence are stored in full; mask them before showing. */
export interface OperatorListRow {
  id: number;
  platform: string;
  operatorKey: string;
  name: string;
  /** Null until the operator is scored (after a run that saw it). */
  score: number | null;
  domesticFacing: boolean;
  /** Signals with points, strongest first. */
  signals: { signal: string; points: number }[];
  lastSeenAt: Date;
}

export interface OperatorListOptions {
  /** Only operators at or above the domestic-facing threshold. */
  domesticOnly?: boolean;
  minScore?: number;
  /** Only operators seen in a run of this source. */
  sourceId?: string;
  /** Default 50. */
  limit?: number;
}

/**
 * Operators by score, highest first (unscored ones last).
 *
 * @example
 * const rows = await listOperators(db, { domesticOnly: true, sourceId: 'demo-api' });
 */
export async function listOperators(db: Kysely<Database>, options: OperatorListOptions = {}): Promise<OperatorListRow[]> {
  const rows = await sql<{
    id: number;
    platform: string;
    platform_key: string;
    name: string;
    score: string | null;
    domestic_facing: boolean | null;
    signals: { signal: string; points: string }[] | null;
    last_seen_at: Date;
  }>`
    select op.id, op.platform, op.platform_key, op.name, s.score, s.domestic_facing, op.last_seen_at,
           (select jsonb_agg(jsonb_build_object('signal', g.signal, 'points', g.points) order by g.points desc, g.signal)
              from operator_signals g where g.operator_id = op.id and g.points > 0) as signals
      from operators op
      left join operator_scores s on s.operator_id = op.id
     where (${options.domesticOnly ?? false}::boolean = false or s.domestic_facing)
       and (${options.minScore ?? null}::numeric is null or s.score >= ${options.minScore ?? null}::numeric)
       and (${options.sourceId ?? null}::text is null or exists (
             select 1 from listing_observations o join crawl_runs r on r.id = o.run_id
              where o.operator_id = op.id and r.source_id = ${options.sourceId ?? null}::text))
     order by s.score desc nulls last, op.id
     limit ${options.limit ?? 50}::int`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    platform: r.platform,
    operatorKey: r.platform_key,
    name: r.name,
    score: r.score === null ? null : Number(r.score),
    domesticFacing: r.domestic_facing ?? false,
    signals: (r.signals ?? []).map((g) => ({ signal: g.signal, points: Number(g.points) })),
    lastSeenAt: r.last_seen_at,
  }));
}

/** One signal as `operators explain` shows it. */
export interface SignalExplanation {
  signal: string;
  weight: number;
  strength: number;
  points: number;
  evidence: Record<string, unknown>;
  runId: number | null;
  computedAt: Date;
}

/** Why an operator scored as it did: every signal with its weight, strength and evidence. */
export interface OperatorExplanation {
  id: number;
  platform: string;
  operatorKey: string;
  name: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  score: number | null;
  domesticFacing: boolean;
  threshold: number;
  /** The run whose scoring produced these rows. */
  runId: number | null;
  computedAt: Date | null;
  signals: SignalExplanation[];
}

/**
 * Everything behind an operator's score, or undefined for an unknown id.
 *
 * @example
 * const why = await explainOperator(db, 12);
 * why?.signals.map((s) => `${s.signal} ${s.weight} × ${s.strength} = ${s.points}`);
 */
export async function explainOperator(db: Kysely<Database>, operatorId: number): Promise<OperatorExplanation | undefined> {
  const operator = await db
    .selectFrom('operators as op')
    .leftJoin('operator_scores as s', 's.operator_id', 'op.id')
    .where('op.id', '=', operatorId)
    .select(['op.id', 'op.platform', 'op.platform_key', 'op.name', 'op.first_seen_at', 'op.last_seen_at', 's.score', 's.domestic_facing', 's.run_id', 's.computed_at'])
    .executeTakeFirst();
  if (!operator) return undefined;
  const signals = await db
    .selectFrom('operator_signals')
    .where('operator_id', '=', operatorId)
    .selectAll()
    .orderBy('points', 'desc')
    .orderBy('weight', 'desc')
    .execute();
  return {
    id: operator.id,
    platform: operator.platform,
    operatorKey: operator.platform_key,
    name: operator.name,
    firstSeenAt: operator.first_seen_at,
    lastSeenAt: operator.last_seen_at,
    score: operator.score === null ? null : Number(operator.score),
    domesticFacing: operator.domestic_facing ?? false,
    threshold: DOMESTIC_FACING_THRESHOLD,
    runId: operator.run_id,
    computedAt: operator.computed_at,
    signals: signals.map((s) => ({
      signal: s.signal,
      weight: Number(s.weight),
      strength: Number(s.strength),
      points: Number(s.points),
      evidence: s.evidence,
      runId: s.run_id,
      computedAt: s.computed_at,
    })),
  };
}

/** An operator a reference names. */
export interface OperatorRef {
  id: number;
  platform: string;
  operatorKey: string;
  name: string;
}

/**
 * The operators a reference names, as an investigator has it: the internal
 * id (`12`, `#12`), the platform's id of the seller (`10086`, stored as
 * `id:10086`, or the stored key itself), or either with its platform
 * (`okx:10086`, `demo:id:s0012`). A bare number that is an internal id
 * names that operator. Several rows mean the key is on several platforms.
 *
 * @example
 * await findOperatorsByRef(db, 'demo:s0012'); // [{ id: 12, platform: 'demo', operatorKey: 'id:s0012', name: 'Mint Traders' }]
 */
export async function findOperatorsByRef(db: Kysely<Database>, ref: string): Promise<OperatorRef[]> {
  const select = db.selectFrom('operators').select(['id', 'platform', 'platform_key as operatorKey', 'name']).orderBy('id');
  const internal = /^#?(\d{1,9})$/.exec(ref.trim());
  if (internal) {
    const byId = await select.where('id', '=', Number(internal[1])).execute();
    if (byId.length > 0) return byId;
  }
  const colon = ref.indexOf(':');
  const prefix = colon > 0 ? ref.slice(0, colon) : null;
  const platforms = (await db.selectFrom('operators').select('platform').distinct().execute()).map((p) => p.platform);
  const [platform, key] = prefix !== null && platforms.includes(prefix) ? [prefix, ref.slice(colon + 1)] : [null, ref];
  let query = select.where((eb) => eb.or([eb('platform_key', '=', key), eb('platform_key', '=', `id:${key}`)]));
  if (platform !== null) query = query.where('platform', '=', platform);
  return query.execute();
}
