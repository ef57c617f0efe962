import test from 'ava';
import { BrowserNotFoundError, findBrowser, type BrowserProbe } from '../crawler/fetch/find-browser.ts';
import { browserTestMode } from './helpers/browser-rig.ts';

/** A machine with exactly these executables, this environment and this Playwright download path. */
function machine(executables: string[], env: Record<string, string> = {}, playwright: string | null = '/pw/chromium-1255/chrome'): BrowserProbe {
  return { env, isExecutable: (path) => executables.includes(path), playwrightPath: () => playwright };
}

test('OTCWATCH_CHROMIUM wins over everything else', (t) => {
  const probe = machine(['/opt/chrome', '/pw/chromium-1255/chrome', '/usr/bin/chromium'], { OTCWATCH_CHROMIUM: '/opt/chrome' });
  t.deepEqual(findBrowser(probe), { path: '/opt/chrome', from: 'OTCWATCH_CHROMIUM' });
});

test('a wrong OTCWATCH_CHROMIUM is an error, not silently passed over', (t) => {
  const probe = machine(['/usr/bin/chromium'], { OTCWATCH_CHROMIUM: '/opt/missing' });
  const error = t.throws(() => findBrowser(probe), { instanceOf: BrowserNotFoundError });
  t.regex(error.message, /OTCWATCH_CHROMIUM is "\/opt\/missing", which is not an executable file/);
});

test("then Playwright's own Chromium, when it was downloaded", (t) => {
  t.deepEqual(findBrowser(machine(['/pw/chromium-1255/chrome', '/usr/bin/chromium'])), { path: '/pw/chromium-1255/chrome', from: 'playwright' });
  t.deepEqual(findBrowser(machine(['/usr/bin/chromium'])), { path: '/usr/bin/chromium', from: 'system' });
});

test('then system browsers, Debian first, then Chrome, then macOS apps', (t) => {
  t.is(findBrowser(machine(['/usr/bin/google-chrome', '/usr/bin/chromium-browser'], {}, null)).path, '/usr/bin/chromium-browser');
  t.is(findBrowser(machine(['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'], {}, null)).path, '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
});

test('no browser at all: one line that says how to get one', (t) => {
  const error = t.throws(() => findBrowser(machine([])), { instanceOf: BrowserNotFoundError });
  t.false(error.message.includes('\n'));
  t.regex(error.message, /apt install chromium/);
  t.regex(error.message, /npx playwright install chromium/);
  t.regex(error.message, /OTCWATCH_CHROMIUM/);
});

test('without a browser, browser tests fail where one is required (OTCWATCH_REQUIRE_BROWSER=1, CI) and skip elsewhere', (t) => {
  const missing = 'no Chromium or Chrome found';
  t.is(browserTestMode(null, { CI: 'true' }), 'run');
  t.is(browserTestMode(missing, { OTCWATCH_REQUIRE_BROWSER: '1' }), 'fail');
  t.is(browserTestMode(missing, { CI: 'true' }), 'fail');
  t.is(browserTestMode(missing, { CI: '1' }), 'fail');
  t.is(browserTestMode(missing, { CI: 'false' }), 'skip');
  t.is(browserTestMode(missing, {}), 'skip');
});
