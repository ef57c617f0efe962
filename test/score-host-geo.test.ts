import test from 'ava';
import { startRun } from '../store/crawl-runs.ts';
import { writeRunPages } from '../store/snapshot-writer.ts';
import { upsertSource } from '../store/sources.ts';
import { locateHost, recordHostLocation, type HostGeoResolver } from '../scripts/jobs/host-geo.ts';
import { createTestStore, storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

test('a public address is located offline with geoip-lite', async (t) => {
  t.deepEqual(await locateHost('8.8.8.8'), { host: '8.8.8.8', address: '8.8.8.8', country: 'US', note: null });
  t.is((await locateHost('114.114.114.114')).country, 'CN');
});

test('loopback and private addresses, and names that do not resolve, are unknown with the reason', async (t) => {
  t.like(await locateHost('127.0.0.1'), { country: null, note: 'loopback address' });
  t.like(await locateHost('[::1]'), { address: '::1', country: null, note: 'loopback address' });
  t.like(await locateHost('localhost'), { country: null, note: 'loopback address' });
  t.like(await locateHost('192.168.1.20'), { country: null, note: 'private address' });
  t.like(await locateHost('10.0.0.7'), { country: null, note: 'private address' });
  const failing: HostGeoResolver = {
    lookup: async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND p2p.invalid'), { code: 'ENOTFOUND' });
    },
    countryOf: async () => 'SG',
  };
  t.deepEqual(await locateHost('p2p.invalid', failing), { host: 'p2p.invalid', address: null, country: null, note: 'DNS lookup failed: ENOTFOUND' });
});

test(title('the location of a run\'s host is recorded with the run'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  await upsertSource(store.db, { id: 'src', adapter: 'demo-api', platform: 'desk', kind: 'api', baseUrl: 'https://p2p.example:8443/api' });
  const runId = await startRun(store.db, 'src');
  const asked: string[] = [];
  const resolver: HostGeoResolver = {
    lookup: async (host) => {
      asked.push(host);
      return '203.0.113.9';
    },
    countryOf: async () => 'SG',
  };
  t.like(await recordHostLocation(store.db, runId, resolver), { host: 'p2p.example', country: 'SG' });
  t.deepEqual(asked, ['p2p.example']);
  const row = await store.db.selectFrom('run_host_locations').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow();
  t.like(row, { host: 'p2p.example', address: '203.0.113.9', country: 'SG', note: null });
});

test(title('the address a run connected to, recorded at fetch time, is what is located: no DNS lookup after the run'), async (t) => {
  const store = await createTestStore();
  t.teardown(() => store.close());
  await upsertSource(store.db, { id: 'src', adapter: 'demo-api', platform: 'desk', kind: 'api', baseUrl: 'https://p2p.example:8443/api' });
  const runId = await startRun(store.db, 'src');
  const page = { fetchedAt: new Date(), outcome: 'ok' as const, httpStatus: 200, error: null, sha256: null, bytes: null, exchanges: [], listings: [], failures: [] };
  await writeRunPages(store.db, { runId, platform: 'desk', pages: [{ ...page, url: 'https://p2p.example:8443/api?page=1', serverIp: '114.114.114.114' }] });
  const resolver: HostGeoResolver = {
    lookup: async () => {
      throw new Error('no DNS lookup expected: the connection said where the host was');
    },
    countryOf: async (address) => (address === '114.114.114.114' ? 'CN' : null),
  };
  t.like(await recordHostLocation(store.db, runId, resolver), { host: 'p2p.example', address: '114.114.114.114', country: 'CN', note: null });
});
