// `psa audit-log -o html` over the real recorded log, opened in headless Chromium: the page is self-contained (no
// request leaves it), its script runs without errors, the timeline has a bar per day and per namespace, the tables
// sort, and the numbers are the JSON report's. UPDATE_SCREENSHOTS=1 refreshes docs/images/audit-log-report.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { launchChromium, SCREENSHOT_DIR } from '../browser/chromium.ts';
import { runCli } from '../../src/cli/run.ts';
import type { AuditLogReport } from '../../src/cli/audit-log/report.ts';
import type { CliIo } from '../../src/process-io.ts';

const root = resolve(import.meta.dirname, '..', '..');
const BASE = ['-c', 'test/audit-log/fixtures/real/config.yaml', 'test/audit-log/fixtures/real/audit.jsonl.gz'];

async function run(args: readonly string[]): Promise<string> {
  let out = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: () => true },
    stdin: process.stdin,
    cwd: root,
    env: {},
  };
  await runCli(['audit-log', ...args], io);
  return out;
}

test('the HTML report renders in Chromium with the JSON report numbers', async (t) => {
  const launched = await launchChromium();
  if (!launched.ok) {
    t.skip(`warning: ${launched.reason}`);
    return;
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, 'audit-log-report.html');
  try {
    await run([...BASE, '-o', 'html', '--out', file]);
    const report = JSON.parse(await run([...BASE, '-o', 'json'])) as AuditLogReport;
    const page = await launched.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${file}`);
    assert.deepEqual(requests, [], 'nothing fetched');
    if (process.env['UPDATE_SCREENSHOTS'] === '1')
      await page.screenshot({ path: join(root, 'docs', 'images', 'audit-log-report.png'), fullPage: false });
    // Timeline: one bar per day, one per namespace.
    const bars = await page.$$eval('#timeline svg', (svgs) => svgs.map((s) => s.querySelectorAll('g.bar').length));
    assert.deepEqual(bars, [1, report.namespaces.length]);
    // The refused card is the sum of the namespaces' refusals.
    const refused = report.namespaces.reduce((n, ns) => n + ns.refused, 0);
    const cards = await page.$$eval('.card', (els) =>
      els.map((e) => [e.querySelector('.card-label')?.textContent, e.querySelector('.card-value')?.textContent]),
    );
    assert.ok(
      cards.some(([label, value]) => label === 'Refused' && value === String(refused)),
      JSON.stringify(cards),
    );
    // Sorting the owners by "Refused" (twice: descending) puts the most refused owner first.
    const table = page.locator('#namespaces table');
    await table.locator('th', { hasText: 'Refused' }).locator('button').click();
    await table.locator('th', { hasText: 'Refused' }).locator('button').click();
    const first = await table.locator('tbody tr').first().locator('td').nth(3).getAttribute('data-sort');
    const most = Math.max(...report.namespaces.flatMap((ns) => ns.owners.map((o) => o.refused)));
    assert.equal(first, String(most));
    assert.deepEqual(errors, []);
    // The page is the same bytes every time (no clock, no random ids).
    assert.equal(readFileSync(file, 'utf8'), await run([...BASE, '-o', 'html']));
  } finally {
    await launched.close();
    rmSync(file, { force: true });
  }
});
