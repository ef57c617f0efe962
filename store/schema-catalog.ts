import { sql, type Kysely } from 'kysely';

/** A table or view of the store, with the meaning its migration gave it (`COMMENT ON`). */
export interface CatalogRelation {
  name: string;
  kind: 'table' | 'view';
  comment: string | null;
}

export interface CatalogColumn {
  name: string;
  type: string;
  nullable: boolean;
  comment: string | null;
}

/**
 * The store's tables and views, read from the Postgres catalog (the
 * migrations' bookkeeping tables left out), by name.
 *
 * @example
 * const relations = await catalogRelations(db); // [{ name: 'alerts', kind: 'table', comment: 'Alerts raised …' }, …]
 */
export async function catalogRelations(db: Kysely<any>): Promise<CatalogRelation[]> {
  const rows = await sql<{ name: string; kind: string; comment: string | null }>`
    select c.relname as name, case c.relkind when 'v' then 'view' else 'table' end as kind, obj_description(c.oid, 'pg_class') as comment
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v') and c.relname not like 'kysely_migration%'
     order by c.relkind = 'v', c.relname`.execute(db);
  return rows.rows.map((r) => ({ name: r.name, kind: r.kind === 'view' ? 'view' : 'table', comment: r.comment }));
}

/**
 * The columns of one table or view in order, with type and meaning;
 * undefined when there is no such relation.
 *
 * @example
 * const columns = await catalogColumns(db, 'listing_observations');
 */
export async function catalogColumns(db: Kysely<any>, relation: string): Promise<CatalogColumn[] | undefined> {
  const rows = await sql<{ name: string; type: string; nullable: boolean; comment: string | null }>`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, not a.attnotnull as nullable, col_description(c.oid, a.attnum) as comment
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v') and c.relname = ${relation}
     order by a.attnum`.execute(db);
  return rows.rows.length === 0 ? undefined : rows.rows;
}
