import test from 'ava';
import { cliRig, sqlRows } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

interface Relation {
  name: string;
  kind: 'table' | 'view';
  comment: string | null;
}

test(title('otcwatch schema lists every table and view with its meaning, each column with type and meaning, and names a missing one plainly'), async (t) => {
  const { cli } = await cliRig(t);
  t.is((await cli('migrate')).code, 0);
  const sqlJson = <T>(query: string) => sqlRows<T>(cli, query);

  const listed = await cli('schema', '--json');
  t.is(listed.code, 0, listed.stderr);
  const relations = JSON.parse(listed.stdout) as Relation[];
  // The oracle is the catalog itself, read through the SQL console.
  const catalog = await sqlJson<{ name: string; kind: string }>(
    `select table_name as name, case table_type when 'VIEW' then 'view' else 'table' end as kind from information_schema.tables
      where table_schema = current_schema() and table_name not like 'kysely_migration%' order by 1`,
  );
  t.deepEqual(relations.map((r) => ({ name: r.name, kind: r.kind })).sort((a, b) => a.name.localeCompare(b.name)), catalog);
  t.deepEqual(relations.filter((r) => !r.comment).map((r) => r.name), [], 'every table and view has a meaning');

  const text = await cli('schema');
  t.is(text.code, 0, text.stderr);
  for (const r of relations) t.regex(text.stdout, new RegExp(`^${r.name} +\\| ${r.kind} +\\| \\S`, 'm'));

  // Every column of every relation has a meaning: one catalog query, what `schema TABLE` reads.
  const unexplained = await sqlJson<{ relation: string; column: string }>(
    `select c.relname as relation, a.attname as column from pg_class c join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where n.nspname = current_schema() and c.relkind in ('r', 'v') and c.relname not like 'kysely_migration%' and col_description(c.oid, a.attnum) is null`,
  );
  t.deepEqual(unexplained, [], 'every column has a meaning');
  for (const name of ['v_listing_history', 'run_pages', 'listing_payment_methods']) {
    const shown = await cli('schema', name, '--json');
    t.is(shown.code, 0, shown.stderr);
    const about = JSON.parse(shown.stdout) as Relation & { columns: { name: string; type: string; nullable: boolean; comment: string | null }[] };
    const columns = await sqlJson<{ name: string; type: string; nullable: boolean; comment: string }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, not a.attnotnull as nullable, col_description(c.oid, a.attnum) as comment
         from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where c.oid = '${name}'::regclass order by a.attnum`,
    );
    t.deepEqual(about.columns, columns, name);
    t.like(about, { name, kind: relations.find((r) => r.name === name)!.kind, comment: relations.find((r) => r.name === name)!.comment });
  }

  const history = await cli('schema', 'v_listing_history');
  t.is(history.code, 0, history.stderr);
  t.regex(history.stdout, /^view v_listing_history: Every observation/);
  t.regex(history.stdout, /^price +\| numeric +\| yes +\| fiat per one unit of asset, exact decimal$/m);

  const missing = await cli('schema', 'no_such_table');
  t.is(missing.code, 1);
  t.is(missing.stderr.trim(), 'otcwatch: no table or view "no_such_table"; list them with: otcwatch schema');
});
