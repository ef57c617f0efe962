import type { Kysely, Selectable } from 'kysely';
import { httpBaseUrl } from '../crawler/base-url.ts';
import type { Database, SourcesTable } from './schema.ts';

export type SourceRow = Selectable<SourcesTable>;

/** What a caller registers; timestamps are the store's business. */
export interface SourceRegistration {
  id: string;
  adapter: string;
  platform: string;
  kind: SourceRow['kind'];
  baseUrl: string;
  params?: Record<string, unknown>;
  politeness?: Record<string, unknown>;
  hostCountry?: string | null;
  enabled?: boolean;
}

/**
 * Inserts or updates a source by id. Its base URL must be http(s).
 *
 * @example
 * await upsertSource(db, { id: 'demo-api', adapter: 'demo-api', platform: 'demo', kind: 'api', baseUrl: url });
 */
export async function upsertSource(db: Kysely<Database>, source: SourceRegistration): Promise<void> {
  const values = {
    adapter: source.adapter,
    platform: source.platform,
    kind: source.kind,
    base_url: httpBaseUrl(source.baseUrl, `source ${source.id}: base URL`),
    params: JSON.stringify(source.params ?? {}),
    politeness: JSON.stringify(source.politeness ?? {}),
    host_country: source.hostCountry ?? null,
    enabled: source.enabled ?? true,
    updated_at: new Date(),
  };
  await db
    .insertInto('sources')
    .values({ id: source.id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

/** Inserts the source only when no source has that id, so an investigator's edits survive. */
export async function ensureSource(db: Kysely<Database>, source: SourceRegistration): Promise<void> {
  const existing = await findSource(db, source.id);
  if (!existing) await upsertSource(db, source);
}

export async function findSource(db: Kysely<Database>, id: string): Promise<SourceRow | undefined> {
  return db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listSources(db: Kysely<Database>): Promise<SourceRow[]> {
  return db.selectFrom('sources').selectAll().orderBy('id').execute();
}

export async function setSourceBaseUrl(db: Kysely<Database>, id: string, baseUrl: string): Promise<void> {
  await db.updateTable('sources').set({ base_url: httpBaseUrl(baseUrl, `source ${id}: base URL`), updated_at: new Date() }).where('id', '=', id).execute();
}
