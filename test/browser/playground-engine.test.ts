// The playground's engine prints what the CLI prints: each case runs `psa check` (and `psa explain`, `psa fix`) on
// files and the engine on the same text held in memory, and compares stdout and stderr byte for byte.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run.ts';
import {
  DEFAULT_STATE,
  levelsConfiguration,
  type PlaygroundState,
  runPlaygroundCheck,
  runPlaygroundExplain,
  runPlaygroundFix,
  stripMarkup,
} from '../../web/src/engine.ts';
import { joinManifests, SEED_FILES } from '../../web/src/examples.ts';
import { ROOT } from '../cli/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'psa-playground-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const seedManifests = (): string => joinManifests(SEED_FILES.map(read));

/** Runs the CLI with its working directory in the case's folder (config and patch files are named relative to it). */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin: Readable.from([]),
    cwd: dir,
    env: {},
  });
  return { code, stdout, stderr };
}

/** Writes the state's files where the CLI reads them. */
function writeFiles(state: PlaygroundState): void {
  writeFileSync(state.fileName, state.manifests);
  if (state.configKind === 'file') writeFileSync(join(dir, 'pod-security.yaml'), state.configText);
  if (state.configKind === 'levels') writeFileSync(join(dir, 'pod-security.yaml'), levelsConfiguration(state.levels));
  state.patches.forEach((p, i) => writeFileSync(join(dir, `patch-${i + 1}.yaml`), p));
}

/** The page's command line as argv, with the manifests named by their absolute path. */
function argv(command: string): string[] {
  // The command line quotes with single quotes only where needed; the cases below need none.
  return command.split(' ').slice(1);
}

const manifestsPath = join(dir, 'manifests.yaml');
const state = (patch: Partial<PlaygroundState>): PlaygroundState => ({
  ...DEFAULT_STATE,
  fileName: manifestsPath,
  ...patch,
});

const CASES: readonly { readonly name: string; readonly state: PlaygroundState }[] = [
  { name: "the seed's three manifests, Talos default", state: state({ manifests: seedManifests() }) },
  {
    name: 'broken YAML among good documents',
    state: state({ manifests: `${read('examples/02-nginx-deployment.yaml')}---\nkind: Pod\nmetadata: {name: [x\n` }),
  },
  {
    name: 'namespace labels and a default namespace',
    state: state({
      manifests: seedManifests(),
      namespaceLabels: 'apps:pod-security.kubernetes.io/enforce=restricted',
      namespace: 'apps',
    }),
  },
  {
    name: 'explicit levels per mode',
    state: state({
      manifests: seedManifests(),
      configKind: 'levels',
      levels: { enforce: 'restricted:v1.30', audit: 'baseline:latest', warn: 'privileged:latest' },
    }),
  },
  {
    name: 'a Talos machine config and a patch',
    state: state({
      manifests: seedManifests(),
      configKind: 'file',
      configText: read('examples/talos/controlplane.yaml'),
      patches: [read('examples/talos/patch-exempt-namespace.yaml')],
    }),
  },
  {
    name: 'a broken PodSecurityConfiguration',
    state: state({
      manifests: seedManifests(),
      configKind: 'file',
      configText: read('examples/talos/pod-security-broken.yaml'),
    }),
  },
  { name: 'bad --namespace-labels', state: state({ manifests: seedManifests(), namespaceLabels: 'no-colon' }) },
];

describe('playground engine = psa check', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      writeFiles(c.state);
      const page = await runPlaygroundCheck(c.state);
      const expected = await cli(argv(page.command));
      const stdout = page.output
        .filter((o) => o.stream === 'stdout')
        .map((o) => stripMarkup(o.text))
        .join('');
      const stderr = page.output
        .filter((o) => o.stream === 'stderr')
        .map((o) => stripMarkup(o.text))
        .join('');
      assert.equal(stdout, expected.stdout);
      assert.equal(stderr, expected.stderr);
      assert.equal(page.exitCode, expected.code);
    });
  }

  it('the seed: the warning and the refusal lines of the walkthrough', async () => {
    const page = await runPlaygroundCheck(state({ manifests: seedManifests() }));
    const text = stripMarkup(page.output.map((o) => o.text).join(''));
    assert.match(
      text,
      /^Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "nginx"/m,
    );
    assert.match(
      text,
      /^Warning {2}FailedCreate {2}daemonset-controller {2}Error creating: pods "debug-container-xxxxx" is forbidden: violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true, hostPID=true, hostIPC=true\), privileged \(container "debug-container" must not set securityContext.privileged=true\)$/m,
    );
    assert.equal(page.exitCode, 1);
    // The DaemonSet's failing fields are located in the editor (its privileged flag among them).
    const lines = seedManifests().split('\n');
    const daemonSet = page.objects[2]!;
    assert.ok(daemonSet.fieldLines.some((l) => lines[l - 1]!.includes('privileged: true')));
  });
});

describe('playground engine = psa explain / psa fix', () => {
  it('explain prints the same text', async () => {
    const s = state({ manifests: seedManifests() });
    writeFiles(s);
    const page = await runPlaygroundExplain(s);
    const expected = await cli(['explain', manifestsPath]);
    assert.equal(page.entries.map((e) => `${stripMarkup(e.text)}\n\n`).join(''), expected.stdout);
    const hostNetwork = page.entries[2]!.paths.find((p) => p.path.endsWith('hostNetwork'));
    assert.ok(hostNetwork !== undefined && seedManifests().split('\n')[hostNetwork.line - 1]!.includes('hostNetwork'));
  });

  it('fix gives the same fixed text and messages', async () => {
    const s = state({ manifests: seedManifests(), fixLevel: 'baseline' });
    writeFiles(s);
    const page = runPlaygroundFix(s);
    const expected = await cli(['fix', '--level', 'baseline', manifestsPath]);
    assert.equal(page.after, expected.stdout);
    assert.equal(page.diagnostics.map((d) => `${d}\n`).join(''), expected.stderr);
    assert.equal(page.exitCode, expected.code);
  });
});
