import { chromium, type Browser } from 'playwright-core';

/**
 * Chromium flags for a server: headless without a GPU, and, as root in a
 * container, without the setuid sandbox (it needs user namespaces that
 * containers rarely grant). The rest stop Chromium calling home (updates,
 * sync, field trials, QUIC probes): on a closed network those calls are
 * refused many at a time, and they are not the crawl's traffic anyway.
 */
export const SERVER_LAUNCH_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch a headless Chromium with `SERVER_LAUNCH_ARGS`, and learn its
 * process id (for measuring its memory and, in tests, killing it).
 *
 * @example
 * const { browser, pid } = await launchBrowser(findBrowser().path);
 */
export async function launchBrowser(executablePath: string): Promise<{ browser: Browser; pid: number | null }> {
  const browser = await chromium.launch({ executablePath, headless: true, args: [...SERVER_LAUNCH_ARGS] });
  return { browser, pid: await browserPid(browser) };
}

/**
 * The browser's own process id, which Playwright does not expose for a
 * launched browser; Chromium reports it over CDP. Null when it cannot be
 * asked (memory is then not measured).
 */
async function browserPid(browser: Browser): Promise<number | null> {
  try {
    const session = await browser.newBrowserCDPSession();
    const { processInfo } = await session.send('SystemInfo.getProcessInfo');
    await session.detach();
    return processInfo.find((p) => p.type === 'browser')?.id ?? null;
  } catch {
    return null;
  }
}
