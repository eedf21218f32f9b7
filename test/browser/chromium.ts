// Headless Chromium for the browser tests (HTML reports, the playground): Debian's `chromium` package driven by
// playwright-core, never a downloaded browser (none can be fetched here). Tests call `launchChromium()` and skip with
// the returned reason when no browser is installed, so `npm test` stays green on a machine without it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary to drive: `PSA_CHROMIUM` if set, else the first Debian/Ubuntu location that exists. */
export function findChromium(): string | undefined {
  const fromEnv = process.env['PSA_CHROMIUM'];
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export type LaunchedChromium =
  | { readonly ok: true; readonly browser: Browser; close(): Promise<void> }
  | { readonly ok: false; readonly reason: string };

/**
 * Starts headless Chromium with a fresh profile. The flags keep it off the network: on this closed network its
 * background connections (updates, sync, QUIC probes) would fail, many at a time, and slow every start.
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  const executablePath = findChromium();
  if (executablePath === undefined) {
    return { ok: false, reason: 'no Chromium found (apt-get install -y chromium, or set PSA_CHROMIUM)' };
  }
  const { chromium } = await import('playwright-core');
  // playwright gives every launch a fresh temporary profile of its own (and refuses a --user-data-dir flag).
  try {
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      ok: true,
      browser,
      close: () => browser.close(),
    };
  } catch (error) {
    return { ok: false, reason: `Chromium at ${executablePath} did not start: ${(error as Error).message}` };
  }
}

/** Where browser tests keep their screenshots (test artefacts, not golden files): `test-output/` at the repo root. */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/**
 * Collects what a self-contained page must never do: console errors and warnings, uncaught exceptions, and requests
 * leaving `file:` (a report must work offline). Returns the list, filled as the page runs.
 */
export function collectPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`network request ${r.url()}`);
  });
  return problems;
}
