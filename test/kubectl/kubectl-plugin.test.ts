// `kubectl psa ...`: the package's `kubectl-psa` bin on PATH, found and run by a real kubectl (Debian's, when
// installed), else by an emulation of kubectl's plugin lookup. Both pass the arguments after the plugin name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { ROOT } from '../cli/helpers.ts';

const temp = mkdtempSync(join(tmpdir(), 'psa-kubectl-'));
const bin = join(temp, 'bin');
after(() => rmSync(temp, { recursive: true, force: true }));

function findOnPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const PATH = `${bin}${delimiter}${process.env['PATH'] ?? ''}`;
const kubectl = findOnPath('kubectl', process.env['PATH'] ?? '');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * kubectl's plugin lookup, for machines without kubectl: the longest run of leading non-flag words joined with `-`
 * that names an executable `kubectl-...` on PATH is run with the remaining arguments.
 */
function emulatedKubectl(args: readonly string[]): Run {
  const words: string[] = [];
  for (const a of args) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = words.length; n > 0; n--) {
    const plugin = findOnPath(`kubectl-${words.slice(0, n).join('-')}`, PATH);
    if (plugin === undefined) continue;
    const r = spawnSync(plugin, args.slice(n), { cwd: ROOT, encoding: 'utf8', env: env() });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  return { code: 1, stdout: '', stderr: `error: unknown command "${args[0] ?? ''}" for "kubectl"\n` };
}

function env(): NodeJS.ProcessEnv {
  return { ...process.env, PATH, HOME: temp, KUBECONFIG: join(temp, 'no-kubeconfig'), NO_COLOR: '1' };
}

function kubectlPsa(args: readonly string[]): Run {
  if (kubectl === undefined) return emulatedKubectl(['psa', ...args]);
  const r = spawnSync(kubectl, ['psa', ...args], { cwd: ROOT, encoding: 'utf8', env: env() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function psa(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: env(),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  // What `npm install -g kube-psa` puts on PATH: `kubectl-psa`, running the package's entry (here the sources).
  mkdirSync(bin);
  const shim = join(bin, 'kubectl-psa');
  writeFileSync(shim, `#!/bin/sh\nexec '${process.execPath}' --import tsx '${join(ROOT, 'src', 'main.ts')}' "$@"\n`);
  chmodSync(shim, 0o755);
});

describe(`kubectl psa (${kubectl === undefined ? 'emulated plugin lookup: kubectl not installed' : `real kubectl: ${kubectl}`})`, () => {
  it('kubectl lists the plugin', (t) => {
    if (kubectl === undefined) {
      t.diagnostic('warning: kubectl is not installed; the plugin lookup is emulated');
      return;
    }
    const r = spawnSync(kubectl, ['plugin', 'list'], { encoding: 'utf8', env: env() });
    assert.match(r.stdout, new RegExp(`^${join(bin, 'kubectl-psa')}$`, 'm'));
  });

  const cases = [
    ['check', 'examples/01-restricted-deployment.yaml', 'examples/03-debug-container-daemonset.yaml'],
    ['check', '--fail-on', 'warn', '-o', 'json', 'examples/02-nginx-deployment.yaml'],
    ['check', '--level=restricted', 'examples/02-nginx-deployment.yaml'],
    ['explain', 'examples/02-nginx-deployment.yaml'],
    ['--help'],
    ['version'],
  ];
  for (const args of cases) {
    it(`kubectl psa ${args.join(' ')} = psa ${args.join(' ')}`, () => {
      const viaKubectl = kubectlPsa(args);
      const direct = psa(args);
      assert.equal(viaKubectl.stderr, direct.stderr);
      assert.equal(viaKubectl.stdout, direct.stdout);
      assert.equal(viaKubectl.code, direct.code);
      assert.ok(viaKubectl.stdout.length > 0);
    });
  }

  it('mistakes keep exit code 2 and suggest the nearest command or flag', () => {
    const command = kubectlPsa(['chek', 'examples/']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /^psa: unknown command "chek" \(did you mean "check"\?\)$/m);
    const flag = kubectlPsa(['check', '--fail-no', 'warn', 'examples/']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^psa check: unknown flag --fail-no \(did you mean --fail-on\?\)$/m);
  });
});

describe('krew (deploy/krew)', () => {
  it('the manifest template names the launcher of each platform as its bin, and ships lib/', () => {
    const text = readFileSync(join(ROOT, 'deploy', 'krew', 'psa.yaml'), 'utf8');
    const manifest = parse(text.replaceAll(/\{\{(\w+)\}\}/g, 'X'));
    assert.equal(manifest.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
    assert.equal(manifest.kind, 'Plugin');
    assert.equal(manifest.metadata.name, 'psa');
    const placeholders = new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]));
    assert.deepEqual([...placeholders].sort(), ['SHA256_UNIX', 'SHA256_WINDOWS', 'VERSION']);
    assert.equal(manifest.spec.version, 'vX');
    for (const platform of manifest.spec.platforms) {
      const from = platform.files.map((f: { from: string }) => f.from);
      assert.ok(from.includes(platform.bin), `${platform.bin} is in the archive`);
      assert.ok(from.includes('lib'));
      assert.match(platform.uri, /^https:\/\/github\.com\/.+\/releases\/download\/vX\//);
    }
  });

  it('the launcher follows the krew symlink to find lib/ and passes the arguments on', () => {
    // krew's layout: the archive unpacked in a store folder, a symlink to the launcher in ~/.krew/bin.
    const store = join(temp, 'krew', 'store', 'psa', 'v0.1.0');
    mkdirSync(join(store, 'lib', 'dist'), { recursive: true });
    copyFileSync(join(ROOT, 'deploy', 'krew', 'kubectl-psa'), join(store, 'kubectl-psa'));
    chmodSync(join(store, 'kubectl-psa'), 0o755);
    writeFileSync(join(store, 'lib', 'dist', 'psa.cjs'), 'console.log(JSON.stringify(process.argv.slice(2)));\n');
    const krewBin = join(temp, 'krew', 'bin');
    mkdirSync(krewBin, { recursive: true });
    symlinkSync(join('..', 'store', 'psa', 'v0.1.0', 'kubectl-psa'), join(krewBin, 'kubectl-psa'));
    const r = spawnSync(join(krewBin, 'kubectl-psa'), ['check', '--fail-on', 'warn', 'a b.yaml'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}/usr/bin${delimiter}/bin` },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '["check","--fail-on","warn","a b.yaml"]\n');
  });
});
