// Golden tests for `psa config`: stdout, stderr and exit code of each invocation over examples/talos.
// UPDATE_GOLDEN=1 rewrites the files; a golden file no case claims fails the suite.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../process-io.ts';
import { runConfigCommand } from './config.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const goldenDir = join(root, 'src', 'config', 'testdata', 'golden');
const update = process.env['UPDATE_GOLDEN'] === '1';
const T = 'examples/talos';

const cases: readonly (readonly [string, readonly string[]])[] = [
  ['show-default', ['show']],
  ['show-default-json', ['show', '-o', 'json']],
  [
    'show-legacy-patched',
    [
      'show',
      '--config',
      `${T}/controlplane.yaml`,
      '--talos-patch',
      `${T}/patch-exempt-namespace.yaml`,
      '--talos-patch',
      `${T}/patch-relax-defaults.yaml`,
    ],
  ],
  ['show-new-style-patched', ['show', '-c', `${T}/new-style.yaml`, '-p', `${T}/patch-new-style-exempt.yaml`]],
  ['show-replace-entry', ['show', '-p', `${T}/patch-replace-entry.yaml`]],
  ['show-admission-configuration', ['show', '-c', `${T}/admission-configuration.yaml`]],
  ['show-duplicate-trap', ['show', '-p', `${T}/patch-duplicate-kube-system.yaml`]],
  ['lint-default', ['lint']],
  ['lint-governance', ['lint', '-c', 'src/config/testdata/governance/pod-security.yaml', '--require-owner']],
  [
    'lint-governance-sidecar',
    [
      'lint',
      '-c',
      'src/config/testdata/governance/pod-security.yaml',
      '--exemption-metadata',
      'src/config/testdata/governance/exemptions.yaml',
    ],
  ],
  [
    'show-governance',
    [
      'show',
      '-c',
      'src/config/testdata/governance/pod-security.yaml',
      '--exemption-metadata',
      'src/config/testdata/governance/exemptions.yaml',
    ],
  ],
  ['show-exemptions', ['show', '-c', 'src/config/testdata/governance/pod-security.yaml', '--exemptions']],
  [
    'show-exemptions-json',
    ['show', '-c', 'src/config/testdata/governance/pod-security.yaml', '--exemptions', '-o', 'json'],
  ],
  ['usage-require-owner-on-show', ['show', '--require-owner']],
  ['lint-duplicate-trap', ['lint', '-p', `${T}/patch-duplicate-kube-system.yaml`]],
  ['lint-conflict', ['lint', '-p', `${T}/patch-new-style-on-legacy.yaml`]],
  ['lint-broken', ['lint', '-c', `${T}/pod-security-broken.yaml`]],
  ['lint-relaxed', ['lint', '-c', `${T}/controlplane.yaml`, '-p', `${T}/patch-relax-defaults.yaml`]],
  ['lint-missing-file', ['lint', '-c', `${T}/does-not-exist.yaml`]],
  ['render-admission-configuration', ['render', '--as', 'admission-configuration', '-c', `${T}/new-style.yaml`]],
  ['render-talos-resource', ['render', '--as', 'talos-resource']],
  ['render-talos-resource-patched', ['render', '--as', 'talos-resource', '-p', `${T}/patch-exempt-namespace.yaml`]],
  [
    'render-talos-patch',
    [
      'render',
      '--as',
      'talos-patch',
      '-c',
      `${T}/controlplane.yaml`,
      '-p',
      `${T}/patch-relax-defaults.yaml`,
      '-p',
      `${T}/patch-exempt-namespace.yaml`,
    ],
  ],
  ['render-talos-patch-replace', ['render', '--as', 'talos-patch', '-p', `${T}/patch-replace-entry.yaml`]],
  ['usage-no-subcommand', []],
  ['usage-bad-subcommand', ['frob']],
  ['usage-bad-output', ['show', '-o', 'xml']],
  ['usage-render-without-as', ['render']],
  ['usage-unknown-flag', ['lint', '--nope']],
  ['usage-patch-on-plain-config', ['show', '-c', `${T}/pod-security.yaml`, '-p', `${T}/patch-exempt-namespace.yaml`]],
  ['help', ['--help']],
];

async function run(argv: readonly string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: process.stdin,
    cwd: root,
    env: {},
  };
  const code = await runConfigCommand(argv, io);
  return `$ psa config ${argv.join(' ')}\n--- exit ${String(code)}\n--- stdout\n${stdout}--- stderr\n${stderr}`;
}

describe('psa config (golden)', () => {
  for (const [name, argv] of cases) {
    it(name, async () => {
      const actual = (await run(argv)).replaceAll(root, '<root>');
      const file = join(goldenDir, `${name}.txt`);
      if (update) writeFileSync(file, actual);
      assert.equal(actual, readFileSync(file, 'utf8'));
    });
  }

  it('every golden file is claimed by a case', () => {
    const claimed = new Set(cases.map(([name]) => `${name}.txt`));
    assert.deepEqual(
      readdirSync(goldenDir).filter((f) => !claimed.has(f)),
      [],
    );
  });
});
