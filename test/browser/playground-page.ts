/// <reference lib="dom" />
// Shared by the playground's browser tests and its benchmark: builds dist/web, serves it with `psa playground`'s own
// server, and pastes text into the page's editor the way a browser does (a paste event with clipboard data).
import type { Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { type PlaygroundServer, startPlaygroundServer } from '../../src/cli/commands/playground.ts';
import { ROOT } from '../cli/helpers.ts';
import { join } from 'node:path';

/** Builds the playground into dist/web (esbuild: about a second) and serves it on a free loopback port. */
export async function buildAndServe(): Promise<PlaygroundServer> {
  await buildWeb();
  return startPlaygroundServer(join(ROOT, 'dist', 'web'), 0, '127.0.0.1');
}

/** Waits until the page has rendered the verdict of run `after + 1` or later; returns that run's number. */
export async function waitForRun(page: Page, after: number): Promise<number> {
  const handle = await page.waitForFunction(
    (n) => Number(document.body.dataset['run'] ?? '0') > n && Number(document.body.dataset['details'] ?? '0') > n,
    after,
  );
  await handle.dispose();
  return page.evaluate(() => Number(document.body.dataset['run'] ?? '0'));
}

/** The run number of the page's last rendered verdict (0 before the first). */
export function currentRun(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset['run'] ?? '0'));
}

/**
 * Selects everything in the editor and pastes `text` over it as a user would; resolves with the milliseconds from the
 * paste to the verdict on screen (the page's `psa:rendered` event, then the next animation frame: painted).
 */
export async function paste(page: Page, text: string): Promise<number> {
  await page.locator('.cm-content').focus();
  await page.keyboard.press('Control+A');
  return page.evaluate(
    (content) =>
      new Promise<number>((resolve) => {
        const editor = document.querySelector<HTMLElement>('.cm-content')!;
        const data = new DataTransfer();
        data.setData('text/plain', content);
        const started = performance.now();
        window.addEventListener(
          'psa:rendered',
          () => requestAnimationFrame(() => resolve(performance.now() - started)),
          { once: true },
        );
        editor.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }),
    text,
  );
}
