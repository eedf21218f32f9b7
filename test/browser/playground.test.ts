// The playground in headless Chromium (Debian's package through playwright-core; skipped with a warning without it):
// built with `npm run build:web`'s code, served by `psa playground`'s server, driven as a user would (paste, click,
// follow a shared link). The lines asserted are the CLI's: each case runs `psa check` on the same text and compares.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PlaygroundServer } from '../../src/cli/commands/playground.ts';
import { runCli } from '../../src/cli/run.ts';
import { joinManifests, SEED_FILES } from '../../web/src/examples.ts';
import { ROOT } from '../cli/helpers.ts';
import { launchChromium, SCREENSHOT_DIR } from './chromium.ts';
import { buildAndServe, currentRun, paste, waitForRun } from './playground-page.ts';

const SEED = joinManifests(SEED_FILES.map((f) => readFileSync(join(ROOT, f), 'utf8')));
const BROKEN = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers: [{name: app, image: nginx\n';

/** `psa check manifests.yaml` on `text`, run in a scratch folder so the file is named as the page names it. */
async function cliCheck(text: string, args: readonly string[] = []): Promise<{ stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'psa-playground-cli-'));
  const cwd = process.cwd();
  try {
    writeFileSync(join(dir, 'manifests.yaml'), text);
    process.chdir(dir);
    let stdout = '';
    let stderr = '';
    await runCli(['check', ...args, 'manifests.yaml'], {
      stdout: { write: (s: string) => (stdout += s), isTTY: false },
      stderr: { write: (s: string) => (stderr += s), isTTY: false },
      stdin: Readable.from([]),
      cwd: dir,
      env: {},
    });
    return { stdout, stderr };
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The check pane's text as the user reads it, one string. */
const checkText = (page: Page): Promise<string> => page.locator('#check-output').innerText();

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

describe('playground in headless Chromium', () => {
  let browser: Browser | undefined;
  let close: (() => Promise<void>) | undefined;
  let server: PlaygroundServer | undefined;
  let skip: string | undefined;

  before(async () => {
    const launched = await launchChromium();
    if (!launched.ok) {
      skip = launched.reason;
      process.stderr.write(`warning: playground browser tests skipped: ${skip}\n`);
      return;
    }
    browser = launched.browser;
    close = () => launched.close();
    server = await buildAndServe();
  });
  after(async () => {
    await close?.();
    await server?.close();
  });

  /** A fresh page at 1440x900 that records every request it makes. */
  async function open(url = server!.url): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await waitForRun(page, 0);
    return { page, requests, errors };
  }

  it("pasting the seed's three manifests shows psa check's exact warning and refusal lines", async (t) => {
    if (skip !== undefined) return t.skip(`warning: ${skip}`);
    const { page, requests, errors } = await open();
    const run = await currentRun(page);
    await page.locator('#namespace').fill('');
    await paste(page, SEED);
    await waitForRun(page, run);
    const text = await checkText(page);
    // The seed's walkthrough: the warning kubectl prints for the nginx Deployment (line for line), and the
    // daemonset-controller's refusal (kubectl's event, with the random pod suffix as xxxxx).
    const lines = text.split('\n');
    assert.ok(
      lines.includes(
        'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      ),
    );
    assert.ok(
      lines.includes(
        'Warning  FailedCreate  daemonset-controller  Error creating: pods "debug-container-xxxxx" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), privileged (container "debug-container" must not set securityContext.privileged=true)',
      ),
    );
    // All of it is what the CLI prints.
    const cli = await cliCheck(SEED);
    assert.equal(text, cli.stdout);
    assert.equal(await page.locator('#verdict').innerText(), '1 would be refused · exit 1');
    // The explain view and the fix diff are there too.
    assert.match(await page.locator('#explain').innerText(), /strictest level met at latest: privileged/);
    assert.match(await page.locator('#fix').innerText(), /\+\s+allowPrivilegeEscalation: false/);

    // Clicking the DaemonSet's verdict highlights it and its failing fields in the editor.
    await page.locator('#check-output .loc', { hasText: 'daemonset.apps/debug-container' }).click();
    assert.ok((await page.locator('.cm-psa-focus').count()) === 1);
    assert.ok((await page.locator('.cm-psa-field', { hasText: 'privileged: true' }).count()) === 1);
    // A field path in the explain view finds its line.
    await page
      .locator('#explain .path', { hasText: /hostNetwork$/ })
      .first()
      .click();
    assert.equal(await page.locator('.cm-psa-field').innerText(), '      hostNetwork: true');
    await screenshot(page, 'playground-seed.png');

    // Nothing but the page's own files was requested: no server calls.
    const origin = server!.url;
    assert.deepEqual(
      [...new Set(requests)].sort(),
      [origin, `${origin}playground.css`, `${origin}playground.js`].sort(),
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('broken YAML shows the same line:col error as the CLI and marks the line', async (t) => {
    if (skip !== undefined) return t.skip(`warning: ${skip}`);
    const { page } = await open();
    const run = await currentRun(page);
    await paste(page, BROKEN);
    await waitForRun(page, run);
    const cli = await cliCheck(BROKEN);
    assert.match(cli.stderr, /^error: manifests\.yaml:\d+:\d+: /);
    assert.equal(await checkText(page), `${cli.stderr}${cli.stdout}`);
    assert.match(await page.locator('#verdict').innerText(), /^\d+ errors? · exit 2$/);
    assert.equal(await page.locator('.cm-psa-error').count(), 1);
    await screenshot(page, 'playground-broken-yaml.png');
    await page.context().close();
  });

  it('a shared link restores the manifests, the configuration and the verdict; it works offline', async (t) => {
    if (skip !== undefined) return t.skip(`warning: ${skip}`);
    const { page } = await open();
    let run = await currentRun(page);
    await page.locator('#config-kind').selectOption('levels');
    run = await waitForRun(page, run);
    await page.locator('#level-enforce').fill('restricted:v1.30');
    await page.locator('#namespace-labels').fill('apps:pod-security.kubernetes.io/warn=baseline');
    await page.locator('#namespace').fill('apps');
    run = await waitForRun(page, run);
    await paste(page, SEED);
    await waitForRun(page, run);
    const text = await checkText(page);
    await page.waitForFunction(() => location.hash.startsWith('#s='));
    // The link is written a moment after the verdict; wait until it holds the last state.
    await page.waitForTimeout(600);
    const link = page.url();

    const { page: second, requests } = await open(link);
    assert.equal(await checkText(second), text);
    assert.equal(await second.locator('#config-kind').inputValue(), 'levels');
    assert.equal(await second.locator('#level-enforce').inputValue(), 'restricted:v1.30');
    assert.equal(await second.locator('#namespace').inputValue(), 'apps');
    assert.match(text, /PodSecurity "restricted:v1\.30"/);
    assert.equal(
      await second.locator('#command').innerText(),
      'psa check --config pod-security.yaml --namespace-labels apps:pod-security.kubernetes.io/warn=baseline -n apps manifests.yaml',
    );
    await screenshot(second, 'playground-shared-link.png');

    // Offline after load: the network gone, a new paste still gets its verdict.
    await second.context().setOffline(true);
    const before = await currentRun(second);
    await paste(second, BROKEN);
    await waitForRun(second, before);
    assert.match(await checkText(second), /^error: manifests\.yaml:/);
    assert.equal(requests.filter((u) => !u.startsWith(server!.url)).length, 0);
    await page.context().close();
    await second.context().close();
  });
});
