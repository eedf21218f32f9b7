// End-to-end: the real binary entry (src/main.ts, as `psa` runs it) in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
