// End-to-end: the real binary entry (src/main.ts, as `psa` runs it) in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { bundleCli } from '../../scripts/bundle-cli.ts';
import { codeCacheFile, COMMANDS_FILE } from '../../src/cli/commands-bundle.ts';
import { ROOT } from './helpers.ts';

function psaBinary(args: readonly string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the psa binary', () => {
  it('psa check examples/ prints the seed lines and exits 1', () => {
    const r = psaBinary(['check', 'examples/']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.includes('\ndaemonset.apps/debug-container created\n'));
    assert.ok(
      r.stdout.includes(
        'Error creating: pods "debug-container-xxxxx" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), privileged (container "debug-container" must not set securityContext.privileged=true)\n',
      ),
    );
  });

  it('reads stdin and exits 0 when nothing is refused', () => {
    const r = psaBinary(['check', '-'], readFileSync(join(ROOT, 'examples', '02-nginx-deployment.yaml'), 'utf8'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/m,
    );
  });

  it('bad input: exit 2, file:line:col on stderr, no stack trace', () => {
    const r = psaBinary(['check', 'test/cli/inputs/bad/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: test\/cli\/inputs\/bad\/duplicate-keys\.yaml:11:7: duplicate key/m);
    assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
  });

  it('usage errors exit 2', () => {
    const r = psaBinary(['check', '--output', 'xml', 'examples/']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid value "xml" for --output: must be one of text, json, sarif, junit/);
  });
});

// The package's `bin` is the bundled build (scripts/bundle-cli.ts): it must answer exactly as the sources do.
describe('the bundled binary', () => {
  // Beside package.json's directory, as dist/psa.cjs is, so `psa --version` finds the package version.
  const bundle = join(ROOT, '.tmp', 'psa.cjs');
  before(async () => {
    await bundleCli(bundle);
  });
  const run = (args: readonly string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [bundle, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const cases: readonly (readonly string[])[] = [
    ['--version'],
    ['--help'],
    ['check', 'examples/'],
    ['check', '-o', 'json', 'examples/'],
    ['check', 'test/cli/inputs/bad/'],
    ['explain', 'examples/'],
    ['config', 'show'],
    ['audit-log', '--help'],
    ['playground', '--help'],
    ['completion', 'bash'],
    ['nonsense'],
  ];
  for (const args of cases) {
    it(`psa ${args.join(' ')} answers as the sources do`, () => {
      const bundled = run(args);
      const sources = psaBinary(args);
      assert.deepEqual(bundled, sources);
    });
  }
  it('the commands file never loads the cluster client (its require costs ~300 ms, for every command)', () => {
    const commands = readFileSync(join(ROOT, '.tmp', 'psa-commands.cjs'), 'utf8');
    assert.ok(!commands.includes('require("@kubernetes/client-node")'));
  });
  // How a fresh process loads the commands file in `dir` (src/cli/commands-bundle.ts), and whether `check` is there.
  const loadIn = (dir: string): string => {
    const loader = join(ROOT, 'src', 'cli', 'commands-bundle.ts');
    const script =
      `const m = await import(${JSON.stringify(loader)}); const c = m.loadCommandsBundle(${JSON.stringify(dir)});` +
      `console.log(m.commandsBundleLoad(), typeof c.check.runCheckCommand);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  it('the build leaves a V8 code cache of the commands file that this Node accepts', () => {
    assert.ok(existsSync(codeCacheFile(join(ROOT, '.tmp'))));
    assert.equal(loadIn(join(ROOT, '.tmp')), 'code-cache function');
  });
  it('without a cache for this V8 the commands file is required; a damaged cache is refused and compiled instead', () => {
    const dir = mkdtempSync(join(tmpdir(), 'psa-bundle-'));
    try {
      copyFileSync(join(ROOT, '.tmp', COMMANDS_FILE), join(dir, COMMANDS_FILE));
      assert.equal(loadIn(dir), 'require function');
      writeFileSync(codeCacheFile(dir), Buffer.alloc(4096, 7));
      assert.equal(loadIn(dir), 'code-cache-rejected function');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('reports the package version', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.match(run(['--version']).stdout, new RegExp(`^psa ${version.replaceAll('.', '\\.')} \\(kube-psa\\)\n`));
  });
});
