import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchChromium } from './chromium.ts';

test('headless Chromium renders a page and runs its script', async (t) => {
  const launched = await launchChromium();
  if (!launched.ok) {
    t.skip(`warning: ${launched.reason}`);
    return;
  }
  try {
    const page = await launched.browser.newPage();
    await page.setContent('<p id="x"></p><script>document.getElementById("x").textContent = String(6 * 7)</script>');
    assert.equal(await page.textContent('#x'), '42');
  } finally {
    await launched.close();
  }
});
