import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ROOT } from '../cli/helpers.ts';

const run = promisify(execFile);
const temp = mkdtempSync(join(tmpdir(), 'psa-action-'));
after(() => rmSync(temp, { recursive: true, force: true }));

interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly summary: string;
  readonly outputs: Record<string, string>;
  readonly sarif: { runs: { results: { ruleId: string; level: string; locations: unknown[] }[] }[] } | undefined;
}

let runs = 0;
/**
 * Runs action/run.sh as the runner would: a fake GITHUB_* environment (a job summary that already holds an earlier
 * step's text, an empty GITHUB_OUTPUT, RUNNER_TEMP) and the action's inputs as INPUT_*. The repository's CLI stands in
 * for `npx kube-psa`.
 */
async function action(inputs: Record<string, string>): Promise<ActionRun> {
  runs++;
  const summaryFile = join(temp, `summary-${runs}.md`);
  const outputFile = join(temp, `output-${runs}.txt`);
  const sarifFile = join(temp, `psa-${runs}.sarif`);
  writeFileSync(summaryFile, '# Earlier step\n\n');
  writeFileSync(outputFile, '');
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: temp,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ROOT,
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_OUTPUT: outputFile,
    RUNNER_TEMP: temp,
    PSA_COMMAND: `${process.execPath} --import tsx ${join(ROOT, 'src', 'main.ts')}`,
    INPUT_SARIF_FILE: sarifFile,
    ...inputs,
  };
  let code = 0;
  let stdout: string;
  try {
    stdout = (await run(join(ROOT, 'action', 'run.sh'), [], { cwd: ROOT, env })).stdout;
  } catch (error) {
    const e = error as { code: number; stdout: string };
    code = e.code;
    stdout = e.stdout;
  }
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  let sarif: ActionRun['sarif'];
  try {
    sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
  } catch {
    sarif = undefined;
  }
  return { code, stdout, summary: readFileSync(summaryFile, 'utf8'), outputs, sarif };
}

const SEED =
  'examples/01-restricted-deployment.yaml examples/02-nginx-deployment.yaml\nexamples/03-debug-container-daemonset.yaml';

describe('the GitHub Action (action.yml, action/run.sh)', () => {
  it('the seed: annotations, SARIF, job summary appended, outputs; fails with exit 1 on the refusal', async () => {
    const r = await action({ INPUT_PATHS: SEED });
    assert.equal(r.code, 1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    assert.deepEqual(
      annotations.map((l) => l.slice(0, l.indexOf(',title='))),
      [
        '::warning file=examples/02-nginx-deployment.yaml,line=3,col=1',
        '::error file=examples/03-debug-container-daemonset.yaml,line=4,col=1',
        '::warning file=examples/03-debug-container-daemonset.yaml,line=4,col=1',
      ],
    );
    assert.ok(
      annotations[1]!.endsWith(
        '::Error creating: pods "debug-container-xxxxx" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true, hostPID=true, hostIPC=true), privileged (container "debug-container" must not set securityContext.privileged=true)',
      ),
    );
    // Property values escape ':' and ','.
    assert.match(
      annotations[1]!,
      /,title=Pod Security%3A daemonset\.apps\/debug-container its pods would be refused \(enforce baseline%3Alatest\)::/,
    );
    const results = r.sarif?.runs[0]?.results ?? [];
    assert.deepEqual(
      results.map((x) => `${x.level} ${x.ruleId}`),
      [
        'warning allowPrivilegeEscalation',
        'warning capabilities_restricted',
        'warning runAsNonRoot',
        'warning seccompProfile_restricted',
        'error hostNamespaces',
        'error privileged',
        'warning allowPrivilegeEscalation',
        'warning capabilities_restricted',
        'warning runAsNonRoot',
        'warning seccompProfile_restricted',
      ],
    );
    assert.ok(r.summary.startsWith('# Earlier step\n\n## Pod Security check\n\n'), 'the summary is appended');
    assert.match(r.summary, /\*\*1 would be refused, 2 with warnings, 2 with audit violations\.\*\* Checked 3 objects/);
    assert.match(
      r.summary,
      /\n\| ❌ refused \| `daemonset\.apps\/debug-container` \(namespace default\) \| `examples\/03-debug-container-daemonset\.yaml:4` \| Error creating: /,
    );
    assert.deepEqual(r.outputs, { 'exit-code': '1', 'sarif-file': join(temp, 'psa-1.sarif') });
  });

  it('fail-on: warn fails on warnings alone; enforce does not', async () => {
    const paths = 'examples/02-nginx-deployment.yaml';
    assert.equal((await action({ INPUT_PATHS: paths })).code, 0);
    const warn = await action({ INPUT_PATHS: paths, INPUT_FAIL_ON: 'warn' });
    assert.equal(warn.code, 1);
    assert.equal(warn.outputs['exit-code'], '1');
    const bad = await action({ INPUT_PATHS: paths, INPUT_FAIL_ON: 'sometimes' });
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /^::error title=psa action::fail-on must be enforce, warn or audit, got 'sometimes'/);
  });

  it('config, talos-patches (one per line) and namespace-labels reach psa check', async () => {
    const r = await action({
      INPUT_PATHS: 'examples/03-debug-container-daemonset.yaml',
      INPUT_CONFIG: 'examples/talos/controlplane.yaml',
      INPUT_TALOS_PATCHES: '\n  examples/talos/patch-relax-defaults.yaml  \n',
      INPUT_NAMESPACE_LABELS: 'default: pod-security.kubernetes.io/warn=privileged',
    });
    // The patch enforces privileged; the namespace label silences warn; audit stays at baseline.
    assert.equal(r.code, 0);
    assert.deepEqual(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('::'))
        .map((l) => l.slice(0, l.indexOf(' '))),
      ['::notice'],
    );
    assert.deepEqual(
      r.sarif?.runs[0]?.results.map((x) => `${x.level} ${x.ruleId}`),
      ['note hostNamespaces', 'note privileged'],
    );
  });

  it('broken input: an error annotation at file:line:col, exit 2, and the rest still checked', async () => {
    const r = await action({ INPUT_PATHS: 'test/cli/inputs/bad/unknown-kind.yaml examples/02-nginx-deployment.yaml' });
    assert.equal(r.code, 2);
    assert.ok(
      r.stdout.includes(
        '::error file=test/cli/inputs/bad/unknown-kind.yaml,line=2,col=7,title=psa%3A invalid input::unknown kind "Deploymnet" in apps/v1\n',
      ),
    );
    assert.match(r.stdout, /::warning file=examples\/02-nginx-deployment\.yaml/);
    assert.match(r.summary, /### 3 input errors/);
    assert.equal(r.outputs['exit-code'], '2');
  });

  it('summary and annotations can be turned off', async () => {
    const r = await action({ INPUT_PATHS: SEED, INPUT_SUMMARY: 'false', INPUT_ANNOTATIONS: 'false' });
    assert.equal(r.code, 1);
    assert.equal(r.summary, '# Earlier step\n\n');
    assert.ok(!r.stdout.includes('::'));
    assert.ok((r.sarif?.runs[0]?.results.length ?? 0) > 0);
  });

  it('action.yml maps every input to the INPUT_* variable run.sh reads, and runs run.sh', () => {
    const manifest = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    assert.equal(manifest.runs.using, 'composite');
    const step = manifest.runs.steps[0];
    assert.equal(step.run, '"$GITHUB_ACTION_PATH/action/run.sh"');
    const script = readFileSync(join(ROOT, 'action', 'run.sh'), 'utf8');
    for (const name of Object.keys(manifest.inputs)) {
      if (name === 'upload-sarif') continue;
      const variable = `INPUT_${name.toUpperCase().replaceAll('-', '_')}`;
      assert.equal(step.env[variable], `\${{ inputs.${name} }}`, variable);
      assert.ok(script.includes(variable), `run.sh reads ${variable}`);
    }
  });
});
