import test from 'ava';
import { registerBuiltinSources } from '../scripts/jobs/builtin-sources.ts';
import { writeCatalogWhenChanged } from '../store/catalog-versions.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { syncPaymentMethodCatalog } from '../store/payment-methods.ts';
import { schemaState } from '../store/schema-state.ts';
import { listSources } from '../store/sources.ts';
import { PAYMENT_METHOD_CATALOG } from '../crawler/normalize/payment-methods.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test(title('the schema check sees an empty, a migrated and a rolled-back store'), async (t) => {
  const store = await createTestStore({ migrated: false });
  t.teardown(() => store.close());
  const empty = await schemaState(store.db);
  t.deepEqual({ applied: empty.applied, current: empty.current }, { applied: 0, current: false });
  await migrateToLatest(store.db);
  const migrated = await schemaState(store.db);
  t.true(migrated.current);
  t.is(migrated.applied, migrated.known);
  await store.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0010-run-facts' as never).execute();
  t.false((await schemaState(store.db)).current);
});

test(title('the payment-method catalog and the built-in sources are written once, then only when they change'), async (t) => {
  const store = await createTestStore({ migrated: false });
  t.teardown(() => store.close());
  await migrateToLatest(store.db);
  t.true(await syncPaymentMethodCatalog(store.db));
  const aliases = await store.db.selectFrom('payment_method_aliases').select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  t.is(Number(aliases.n), PAYMENT_METHOD_CATALOG.flatMap((m) => [...new Set([m.name, ...m.aliases])]).length);
  t.false(await syncPaymentMethodCatalog(store.db));

  t.true(await registerBuiltinSources(store));
  t.true((await listSources(store.db)).some((s) => s.id === 'demo-api'));
  t.false(await registerBuiltinSources(store));

  // Nothing is written while the content is the same; a changed content is written, with its hash.
  let writes = 0;
  const write = async () => {
    writes += 1;
  };
  t.true(await writeCatalogWhenChanged(store.db, 'test-catalog', { v: 1 }, write));
  t.false(await writeCatalogWhenChanged(store.db, 'test-catalog', { v: 1 }, write));
  t.true(await writeCatalogWhenChanged(store.db, 'test-catalog', { v: 2 }, write));
  t.is(writes, 2);
});
