import { sql, type Kysely } from 'kysely';

/** Per table or view, its meaning under `''` and each column's by name. */
export type SchemaComments = Record<string, Record<string, string>>;

/**
 * Writes `COMMENT ON` for each table or view (a name starting `v_` is a
 * view) and its columns, read back by `otcwatch schema` and psql's `\d+`.
 * One DO block, not hundreds of statements: each is a round trip.
 *
 * @example
 * await writeComments(db, { run_pages: { '': 'One page of a run, as read.', url: 'the URL fetched' } });
 */
export async function writeComments(db: Kysely<any>, comments: SchemaComments): Promise<void> {
  const statements = Object.entries(comments).flatMap(([relation, { '': about, ...columns }]) => [
    ...(about === undefined ? [] : [`comment on ${relation.startsWith('v_') ? 'view' : 'table'} ${ident(relation)} is ${literal(about)}`]),
    ...Object.entries(columns).map(([column, meaning]) => `comment on column ${ident(relation)}.${ident(column)} is ${literal(meaning)}`),
  ]);
  await sql.raw(`do $comments$ begin ${statements.join('; ')}; end $comments$`).execute(db);
}

/** Removes the comments `writeComments` wrote: the relation's own, when given, and the named columns'. */
export async function clearComments(db: Kysely<any>, comments: SchemaComments): Promise<void> {
  // An empty comment is no comment: Postgres stores '' as null.
  const blank = Object.fromEntries(Object.entries(comments).map(([relation, meanings]) => [relation, Object.fromEntries(Object.keys(meanings).map((k) => [k, '']))]));
  await writeComments(db, blank);
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
