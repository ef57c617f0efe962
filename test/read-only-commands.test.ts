import { randomBytes } from 'node:crypto';
import test from 'ava';
import pg from 'pg';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { openStore, storeOptionsFromEnv } from '../store/connection.ts';
import { cliRig, type Cli } from './helpers/cli.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;

/** Every command that only reads, as an investigator would type it. */
const READ_COMMANDS = [
  ['runs', '--json'],
  ['runs', '--source', 'demo-api'],
  ['sql', 'select count(*)::int as n from listing_observations', '--json'],
  ['alerts', '--all', '--json'],
  ['operators', '--json'],
  ['operators', 'explain', '1'],
  ['diff', 'demo-api', '--json'],
];

async function crawledStore(t: Parameters<typeof cliRig>[0]) {
  const rig = await cliRig(t);
  const market = await startDemoMarketplace({ seed: 7 });
  t.teardown(() => market.close());
  for (let tick = 0; tick < 2; tick += 1) {
    if (tick > 0) market.advance();
    const crawl = await rig.cli('crawl', 'demo-api', '--base-url', market.url, '--min-gap-ms', '0');
    t.is(crawl.code, 0, crawl.stderr);
  }
  return rig;
}

async function readAll(t: Parameters<typeof cliRig>[0], cli: Cli): Promise<void> {
  for (const args of READ_COMMANDS) {
    const result = await cli(...args);
    t.is(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    t.not(result.stdout.trim(), '', args.join(' '));
  }
}

if (storeEngine === 'postgres') {
  test(title('read-only commands work as a role granted only SELECT, and writes are refused to it'), async (t) => {
    const { cli, env } = await crawledStore(t);
    const adminUrl = env.DATABASE_URL!;
    const role = `otcwatch_reader_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create role ${role} login`);
    await admin.query(`grant usage on schema public to ${role}`);
    await admin.query(`grant select on all tables in schema public to ${role}`);
    await admin.end();
    t.teardown(async () => {
      const server = new pg.Client({ connectionString: adminUrl });
      await server.connect();
      await server.query(`drop owned by ${role}`);
      await server.end();
      const cluster = new pg.Client({ connectionString: Object.assign(new URL(adminUrl), { pathname: '/postgres' }).toString() });
      await cluster.connect();
      await cluster.query(`drop role if exists ${role}`);
      await cluster.end();
    });

    const readerUrl = new URL(adminUrl);
    readerUrl.username = role;
    env.DATABASE_URL = readerUrl.toString();
    await readAll(t, cli);
    const runs = JSON.parse((await cli('runs', '--json')).stdout) as { status: string }[];
    t.is(runs.length, 2);

    // The role really cannot write: a command that writes fails on permissions, not on otcwatch.
    const write = await cli('sql', '--write', 'delete from alerts');
    t.is(write.code, 1);
    t.regex(write.stderr, /permission denied/);
  });
} else {
  test(title('read-only commands write nothing: no transaction id is used'), async (t) => {
    const { cli, env } = await crawledStore(t);
    // Any write takes a transaction id; the next one to hand out moves only then.
    const nextXid = async () => {
      const store = await openStore(storeOptionsFromEnv(env));
      try {
        const { rows } = await (await import('kysely')).sql<{ next: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as next`.execute(store.db);
        return rows[0]!.next;
      } finally {
        await store.close();
      }
    };
    const before = await nextXid();
    await readAll(t, cli);
    t.is(await nextXid(), before);

    // The oracle does see a write.
    t.is((await cli('alerts', 'ack', '1')).code, 0);
    t.not(await nextXid(), before);
  });
}
