import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../cli/helpers.ts';

const run = promisify(execFile);

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an example as a user would (`node --import tsx FILE`), `kube-psa` resolved to the sources by tsconfig paths. */
async function example(file: string, ...args: string[]): Promise<Outcome> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('library examples (docs/library.md) run', () => {
  it('evaluate-pod.ts: hostNetwork is forbidden at baseline', async () => {
    const r = await example('examples/library/evaluate-pod.ts');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'forbidden: host namespaces (hostNetwork=true)\n- hostNamespaces: host namespaces\n');
  });

  it('check-manifests.ts: the privileged Deployment is refused in a restricted namespace', async () => {
    const r = await example('examples/library/check-manifests.ts');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^shop\.yaml:2: Deployment\/api: refused: Error creating: pods "api-xxxxxxxxxx-xxxxx" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "api" must not set securityContext\.privileged=true\), /,
    );
    assert.equal(lines[1], 'exit code psa check would give: 1');
  });

  it('synth-time-validation.ts: a clean synth passes; a privileged debug container fails it with file:line', async () => {
    const clean = await example('examples/library/synth-time-validation.ts');
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.stdout, 'synth: 2 workloads checked, 0 would be refused\n');
    assert.equal(clean.stderr, '');
    const debug = await example('examples/library/synth-time-validation.ts', '--debug');
    assert.equal(debug.code, 1);
    assert.equal(debug.stdout, 'synth: 2 workloads checked, 1 would be refused\n');
    assert.match(
      debug.stderr,
      /^dist\/app\.k8s\.yaml:\d+: Deployment\/tools: Error creating: pods "tools-xxxxxxxxxx-xxxxx" is forbidden: violates PodSecurity "baseline:latest": privileged \(container "tools" must not set securityContext\.privileged=true\)\n/,
    );
  });

  it('docs/library.md shows each example exactly as it is in examples/library/', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');
    const blocks = [...doc.matchAll(/```ts\n(\/\/ (examples\/library\/[\w-]+\.ts)[^\n]*\n[\s\S]*?)```/g)];
    const shown = blocks.map((b) => b[2]);
    assert.deepEqual(shown.sort(), [
      'examples/library/check-manifests.ts',
      'examples/library/evaluate-pod.ts',
      'examples/library/synth-time-validation.ts',
    ]);
    for (const b of blocks) assert.equal(b[1], readFileSync(join(ROOT, b[2]!), 'utf8'), `${b[2]} differs in the doc`);
  });
});
