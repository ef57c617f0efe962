import test from 'ava';
import { findOperatorsByRef } from '../store/operator-report.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test(title('an operator is found by its id, the platform\'s seller id, the stored key, or either with its platform; a key on two platforms names both'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const seen = new Date('2026-01-01T00:00:00Z');
  const rows = await store.db
    .insertInto('operators')
    .values([
      { platform: 'okx', platform_key: 'id:10086', name: 'OKX seller', first_seen_at: seen, last_seen_at: seen },
      { platform: 'htx', platform_key: 'id:10086', name: 'HTX seller', first_seen_at: seen, last_seen_at: seen },
      { platform: 'demo', platform_key: 'name:金沙承兑', name: '金沙承兑', first_seen_at: seen, last_seen_at: seen },
    ])
    .returning(['id', 'platform'])
    .execute();
  const id = (platform: string) => rows.find((r) => r.platform === platform)!.id;
  const found = async (ref: string) => (await findOperatorsByRef(store.db, ref)).map((o) => `${o.platform}#${o.id}`);

  t.deepEqual(await found(String(id('okx'))), [`okx#${id('okx')}`], 'the internal id');
  t.deepEqual(await found(`#${id('htx')}`), [`htx#${id('htx')}`], 'the internal id with #');
  t.deepEqual(await found('okx:10086'), [`okx#${id('okx')}`], "platform and the platform's seller id");
  t.deepEqual(await found('htx:id:10086'), [`htx#${id('htx')}`], 'platform and the stored key');
  t.deepEqual((await found('10086')).sort(), [`htx#${id('htx')}`, `okx#${id('okx')}`].sort(), 'a seller id on two platforms names both');
  t.deepEqual(await found('demo:name:金沙承兑'), [`demo#${id('demo')}`], 'a key that is not an id');
  t.deepEqual(await found('bybit:10086'), [], 'a platform with no such seller');
  t.deepEqual(await found('99999'), [], 'nothing by that number');
});
