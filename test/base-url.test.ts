import test from 'ava';
import { httpBaseUrl } from '../crawler/base-url.ts';
import { getAdapter } from '../crawler/sources/index.ts';
import { adapterSourceRegistration } from '../scripts/jobs/builtin-sources.ts';
import { sourceConfigOf } from '../scripts/jobs/source-config.ts';
import { findSource, setSourceBaseUrl, upsertSource } from '../store/sources.ts';
import { cliRig } from './helpers/cli.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const HOSTILE = ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://127.0.0.1/', 'data:text/html,<b>x</b>', '/relative/path', '127.0.0.1:8787', ''];

test('a base URL is http(s) or refused, naming where it came from', (t) => {
  t.is(httpBaseUrl('http://127.0.0.1:8787', '--base-url'), 'http://127.0.0.1:8787/');
  t.is(httpBaseUrl('HTTPS://P2P.example/x', '--base-url'), 'https://p2p.example/x');
  for (const url of HOSTILE) {
    t.throws(() => httpBaseUrl(url, '--base-url'), { message: `--base-url must be an http(s) URL, got ${JSON.stringify(url)}` }, url);
  }
});

test(title('the store refuses a non-http(s) base URL on every write, and a crawl refuses one edited in by SQL'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  const registration = adapterSourceRegistration(getAdapter('demo-api'), { baseUrl: 'http://127.0.0.1:8787' });
  await upsertSource(store.db, registration);
  for (const url of HOSTILE) {
    await t.throwsAsync(upsertSource(store.db, { ...registration, baseUrl: url }), { message: /source demo-api: base URL must be an http\(s\) URL/ }, url);
    await t.throwsAsync(setSourceBaseUrl(store.db, 'demo-api', url), { message: /must be an http\(s\) URL/ }, url);
  }
  t.is((await findSource(store.db, 'demo-api'))!.base_url, 'http://127.0.0.1:8787/');
  await store.db.updateTable('sources').set({ base_url: 'file:///etc/passwd' }).where('id', '=', 'demo-api').execute();
  const row = (await findSource(store.db, 'demo-api'))!;
  t.throws(() => sourceConfigOf(row, getAdapter('demo-api')), { message: 'source demo-api: base_url must be an http(s) URL, got "file:///etc/passwd"' });
});

test(title('otcwatch sources set --base-url javascript: is refused in one line'), async (t) => {
  const { cli } = await cliRig(t);
  const refused = await cli('sources', 'set', 'demo-api', '--base-url', 'javascript:alert(1)');
  t.is(refused.code, 1);
  t.is(refused.stderr, 'otcwatch: --base-url must be an http(s) URL, got "javascript:alert(1)"\n');
});
