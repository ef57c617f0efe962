import { sql } from 'kysely';
import type { PolitenessConfig } from '../../crawler/source-adapter.ts';
import { loadShippedSource } from '../../crawler/declarative/stored-source.ts';
import type { DeclarativeSpec } from '../../crawler/declarative/source-spec.ts';
import type { Store } from '../../store/connection.ts';
import { upsertSource } from '../../store/sources.ts';
import { declarativeRegistration } from '../../scripts/jobs/declarative-registration.ts';

/**
 * Registers a shipped declarative source (`demo-board.yaml`) pointed at a
 * test server, with the limiter off unless `politeness` says otherwise.
 *
 * @example
 * await addShippedSource(rig.store, 'demo-json.yaml', rig.market.url);
 */
export async function addShippedSource(store: Store, file: string, baseUrl: string, politeness: Partial<PolitenessConfig> = {}): Promise<DeclarativeSpec> {
  const spec = loadShippedSource(file);
  await addSpec(store, spec, baseUrl, politeness);
  return spec;
}

/** Registers a spec the way `sources add` does (the spec kept in params), pointed at `baseUrl`. */
export async function addSpec(store: Store, spec: DeclarativeSpec, baseUrl: string, politeness: Partial<PolitenessConfig> = {}): Promise<void> {
  const registration = declarativeRegistration(spec, { spec, sourceFile: `${spec.name}.yaml` }, baseUrl);
  await upsertSource(store.db, { ...registration, politeness: { minGapMs: 0, concurrency: 4, pageRetryDelayMs: 10, ...politeness } });
}

/**
 * Everything a run stored about each listing, one line per listing, sorted
 * in JavaScript (PGlite and Postgres collations differ): keys, observation
 * columns (numerics as numbers, not spellings) and payment methods with
 * their raw text. Two sources that read the same market the same way give
 * equal arrays.
 *
 * @example
 * t.deepEqual(await runObservations(store, json.runId), await runObservations(store, api.runId));
 */
export async function runObservations(store: Store, runId: number): Promise<string[]> {
  const rows = await sql<{ line: string }>`
    select concat_ws(' | ', l.platform_key, op.platform_key, o.operator_name, l.side, l.asset, l.fiat,
             trim_scale(o.price)::text, trim_scale(o.available)::text, trim_scale(o.min_order)::text, trim_scale(o.max_order)::text,
             coalesce(o.terms, '-'), trim_scale(o.completion_rate)::text, o.order_count::text, o.month_order_count::text,
             (select string_agg(pm.method_key || '=' || pm.raw_text, ',' order by pm.method_key, pm.raw_text)
                from listing_payment_methods pm where pm.run_id = o.run_id and pm.listing_id = o.listing_id)) as line
      from listing_observations o
      join listings l on l.id = o.listing_id
      join operators op on op.id = o.operator_id
     where o.run_id = ${runId}`.execute(store.db);
  return rows.rows.map((r) => r.line).sort();
}

/** The listing keys a run observed, sorted. */
export async function runListingKeys(store: Store, runId: number): Promise<string[]> {
  const rows = await store.db
    .selectFrom('listing_observations as o')
    .innerJoin('listings as l', 'l.id', 'o.listing_id')
    .where('o.run_id', '=', runId)
    .select('l.platform_key as key')
    .execute();
  return rows.map((r) => r.key).sort();
}
