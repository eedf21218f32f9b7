// The shared HTML report shell in a real browser: no console errors, sorting and copying work, a screenshot is kept.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  badge,
  codeBlock,
  renderHtmlReport,
  sortableTable,
  stackedBarChart,
} from '../../src/cli/output/html-report.ts';
import { collectPageProblems, launchChromium, SCREENSHOT_DIR } from './chromium.ts';

const PAGE = renderHtmlReport({
  title: 'Report shell',
  subtitle: 'every building block once',
  meta: [['source', 'test']],
  cards: [
    { label: 'Namespaces', value: 3, tone: 'info' },
    { label: 'Refused', value: 7, detail: 'at current labels', tone: 'bad' },
  ],
  sections: [
    {
      id: 'chart',
      title: 'Chart',
      body: stackedBarChart({
        title: 'pods by level met',
        series: [
          { name: 'restricted', tone: 'good' },
          { name: 'baseline', tone: 'warn' },
          { name: 'privileged', tone: 'bad' },
        ],
        bars: [
          { label: 'shop', values: [5, 2, 0] },
          { label: 'monitoring', values: [0, 1, 3] },
        ],
        unit: 'pods',
      }),
    },
    {
      id: 'table',
      title: 'Table',
      body: sortableTable({
        id: 'pods',
        columns: [{ label: 'Namespace' }, { label: 'Pods', numeric: true }, { label: 'Level' }],
        rows: [
          ['shop', 7, { display: badge('baseline', 'warn'), sort: 1 }],
          ['monitoring', 12, { display: badge('privileged', 'bad'), sort: 0 }],
          ['apps', 3, { display: badge('restricted', 'good'), sort: 2 }],
        ],
      }),
    },
    { id: 'code', title: 'Code', body: codeBlock('kubectl label ns shop a=b', { label: 'shell' }) },
  ],
});

test('the report shell renders in Chromium, sorts and copies', async (t) => {
  const launched = await launchChromium();
  if (!launched.ok) {
    t.skip(`warning: ${launched.reason}`);
    return;
  }
  try {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = join(SCREENSHOT_DIR, 'html-report-shell.html');
    writeFileSync(file, PAGE);
    const page = await launched.browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = collectPageProblems(page);
    await page.goto(pathToFileURL(file).href);
    const column = (): Promise<string[]> =>
      page.$$eval('#pods tbody tr td:first-child', (tds) => tds.map((td) => td.textContent ?? ''));
    assert.deepEqual(await column(), ['shop', 'monitoring', 'apps']);
    await page.click('#pods th[data-col="1"] button');
    assert.deepEqual(await column(), ['apps', 'shop', 'monitoring'], 'numeric ascending');
    await page.click('#pods th[data-col="1"] button');
    assert.deepEqual(await column(), ['monitoring', 'shop', 'apps'], 'numeric descending');
    await page.click('#pods th[data-col="0"] button');
    assert.deepEqual(await column(), ['apps', 'monitoring', 'shop'], 'text ascending');
    assert.equal(await page.locator('svg[role="img"] rect').count(), 4);
    await page.click('.code .copy');
    await page.waitForSelector('.code .copy.done');
    assert.equal(await page.textContent('.code .copy'), 'Copied');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), 'kubectl label ns shop a=b');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'html-report-shell.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await launched.close();
  }
});
