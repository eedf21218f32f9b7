// psa audit's HTML report in headless Chromium: no console errors or network requests, the namespace table and the
// charts present, sorting works, a screenshot under test-output/ (PSA_DOCS_SCREENSHOT=1 also refreshes the one in docs/).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { psa, ROOT } from '../cli/helpers.ts';
import { collectPageProblems, launchChromium, SCREENSHOT_DIR } from './chromium.ts';

test('psa audit -o html renders in Chromium', async (t) => {
  const launched = await launchChromium();
  if (!launched.ok) {
    t.skip(`warning: ${launched.reason}`);
    return;
  }
  try {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, 'audit.html');
    const r = await psa(
      ['audit', '--from', 'test/cli/audit-inputs/cluster.yaml', '-o', 'html', file, '--plan-level', 'restricted'],
      {
        env: { SOURCE_DATE_EPOCH: '1767225600' },
      },
    );
    assert.equal(r.code, 1, r.stderr);
    const page = await launched.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = collectPageProblems(page);
    await page.goto(pathToFileURL(file).href);
    assert.equal(await page.locator('#namespaces tbody tr').count(), 6);
    assert.equal(await page.locator('figure.chart svg').count(), 2, 'levels and checks charts');
    assert.ok((await page.locator('figure.chart svg rect').count()) > 5);
    const first = (): Promise<string> => page.locator('#namespaces tbody tr td').first().innerText();
    // "Refused at restricted", descending: monitoring's 4 pods first.
    await page.click('#namespaces th[data-col="6"] button');
    await page.click('#namespaces th[data-col="6"] button');
    assert.equal((await first()).trim(), 'monitoring');
    assert.ok((await page.locator('.code .copy').count()) >= 3, 'kubectl lines, Talos patch, PodSecurityConfiguration');
    await page.click('#namespaces th[data-col="0"] button');
    const shot = join(SCREENSHOT_DIR, 'audit.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.evaluate('window.scrollTo(0, 0)');
    const top = join(SCREENSHOT_DIR, 'audit-top.png');
    await page.screenshot({ path: top });
    if (process.env['PSA_DOCS_SCREENSHOT'] === '1') copyFileSync(top, join(ROOT, 'docs', 'images', 'audit-report.png'));
    assert.deepEqual(problems, []);
  } finally {
    await launched.close();
  }
});
