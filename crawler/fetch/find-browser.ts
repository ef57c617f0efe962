import { accessSync, constants, statSync } from 'node:fs';
import { chromium } from 'playwright-core';

/**
 * System places a Chromium or Chrome is installed to, tried in order after
 * `OTCWATCH_CHROMIUM` and Playwright's own download: Debian/Ubuntu packages
 * and Google's .deb first, then the macOS applications.
 */
const SYSTEM_BROWSER_PATHS: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Where a browser was found: the env var, Playwright's install, or the system. */
export interface FoundBrowser {
  path: string;
  from: 'OTCWATCH_CHROMIUM' | 'playwright' | 'system';
}

/**
 * The machine as `findBrowser` sees it, injectable so a test can describe
 * any machine without touching the real one.
 */
export interface BrowserProbe {
  env: Record<string, string | undefined>;
  /** True for an existing, executable regular file. */
  isExecutable(path: string): boolean;
  /** Where Playwright keeps its own Chromium (it may not be downloaded). */
  playwrightPath(): string | null;
}

/**
 * Finds the browser a user expects otcwatch to use: `OTCWATCH_CHROMIUM`
 * when set (a wrong value is an error, never silently skipped — the user
 * asked for that browser), else Playwright's downloaded Chromium, else a
 * system Chromium or Chrome. Throws `BrowserNotFoundError`, one line that
 * says how to get one, when there is none.
 *
 * @example
 * const { path, from } = findBrowser(); // { path: '/usr/bin/chromium', from: 'system' }
 */
export function findBrowser(probe: BrowserProbe = machineProbe): FoundBrowser {
  const fromEnv = probe.env.OTCWATCH_CHROMIUM;
  if (fromEnv) {
    if (probe.isExecutable(fromEnv)) return { path: fromEnv, from: 'OTCWATCH_CHROMIUM' };
    throw new BrowserNotFoundError(`OTCWATCH_CHROMIUM is ${JSON.stringify(fromEnv)}, which is not an executable file; point it at a Chromium or Chrome binary, or unset it`);
  }
  const playwright = probe.playwrightPath();
  if (playwright && probe.isExecutable(playwright)) return { path: playwright, from: 'playwright' };
  const system = SYSTEM_BROWSER_PATHS.find((path) => probe.isExecutable(path));
  if (system) return { path: system, from: 'system' };
  throw new BrowserNotFoundError(
    'no Chromium or Chrome found for browser sources; install one (apt install chromium, or npx playwright install chromium) or set OTCWATCH_CHROMIUM to its path',
  );
}

/**
 * No usable browser; the message is the whole explanation, fit for one line
 * of CLI output.
 *
 * @example
 * try { findBrowser(); } catch (error) { if (error instanceof BrowserNotFoundError) console.log(`skipped: ${error.message}`); }
 */
export class BrowserNotFoundError extends Error {
  override readonly name = 'BrowserNotFoundError';
}

const machineProbe: BrowserProbe = {
  env: process.env,
  isExecutable(path) {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
  playwrightPath() {
    try {
      return chromium.executablePath();
    } catch {
      // Playwright throws when it has no build for this platform.
      return null;
    }
  },
};
