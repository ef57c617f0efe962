import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { startDemoMarketplace } from '../scripts/demo/marketplace-server.ts';
import { ensureBuiltCli } from './helpers/built-cli.ts';
import { cliRig } from './helpers/cli.ts';
import { demoChanges } from './helpers/demo-changes.ts';
import { storeEngine } from './helpers/test-store.ts';

const title = (name: string) => `${name} (${storeEngine})`;
const ROOT = path.resolve(import.meta.dirname, '..');

/** The `js` code blocks of the README's "Using otcwatch as a library", in order. */
async function libraryExamples(): Promise<string[]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Using otcwatch as a library\n')[1]!.split('\n## ')[0]!;
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

test(title('the README library examples run against the built package entries, by package name'), async (t) => {
  t.timeout(600_000);
  await ensureBuiltCli();
  const { env } = await cliRig(t);
  const market = await startDemoMarketplace({ seed: 11 });
  t.teardown(() => market.close());
  env.MARKET_URL = market.url;
  const [crawler, pipeline, store] = await libraryExamples();
  t.truthy(crawler && pipeline && store, 'three examples');
  // Run as a user's module would: plain Node, no TypeScript loader; `otcwatch/…` resolves through package.json `exports`.
  const runExample = async (code: string) => {
    t.regex(code, /from 'otcwatch\/(crawler|store|pipeline)'/);
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, env, timeout: 300_000 });
    return stdout;
  };

  const tick0 = market.state();
  t.is((await runExample(crawler!)).trim(), `complete: ${Math.ceil(tick0.ads.length / 50)} pages, ${tick0.ads.length} listings`);

  t.regex(await runExample(pipeline!), new RegExp(`^run #1 complete: ${tick0.ads.length} listings, \\d+ alerts, \\d+ operators scored`));
  market.advance();
  const tick1 = market.state();
  t.regex(await runExample(pipeline!), new RegExp(`^run #2 complete: ${tick1.ads.length} listings`));

  const changes = demoChanges(tick0, tick1);
  t.deepEqual((await runExample(store!)).trim().split('\n'), [
    `run #2 complete, ${tick1.ads.length} listings`,
    `run #1 complete, ${tick0.ads.length} listings`,
    `operators +${changes.operatorsAppeared.length} −${changes.operatorsVanished.length}`,
  ]);
});

test('the package exports built JavaScript with type declarations for each entry', async (t) => {
  await ensureBuiltCli();
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
  for (const entry of ['./crawler', './store', './pipeline']) {
    const target = pkg.exports[entry]!;
    t.regex(target.default, /^\.\/dist\/.*\.js$/);
    const declarations = await readFile(path.join(ROOT, target.types), 'utf8');
    t.regex(declarations, /export /, `${entry} declarations`);
  }
});
