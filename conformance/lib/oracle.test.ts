// Drives the real Go oracle (built on first use; skipped when Go is not installed).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { buildOracle, type EvalRequest, type EvalResponse, OracleError, startOracle } from './oracle.ts';

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = goAvailable() ? false : 'go is not installed';

describe('oracle eval mode', { skip }, () => {
  const nginx = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };

  it('answers with upstream verdicts, in order, across concurrent batches', async () => {
    const oracle = startOracle<EvalRequest, EvalResponse>('eval', { binary: buildOracle() });
    try {
      const [first, second] = await Promise.all([
        oracle.send([
          { id: 'a1', level: 'restricted', version: 'latest', pod: nginx },
          { id: 'base', level: 'baseline', version: 'latest', pod: nginx },
        ]),
        oracle.send([{ id: 'v1.0', level: 'restricted', version: 'v1.0', pod: nginx }]),
      ]);
      assert.deepEqual(
        first.map((a) => a.id),
        ['a1', 'base'],
      );
      assert.deepEqual(first[0], {
        id: 'a1',
        allowed: false,
        reasons: [
          'allowPrivilegeEscalation != false',
          'unrestricted capabilities',
          'runAsNonRoot != true',
          'seccompProfile',
        ],
        details: [
          'container "nginx" must set securityContext.allowPrivilegeEscalation=false',
          'container "nginx" must set securityContext.capabilities.drop=["ALL"]',
          'pod or container "nginx" must set securityContext.runAsNonRoot=true',
          'pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        ],
        forbiddenReason:
          'allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
        forbiddenDetail:
          'allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), ' +
          'unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), ' +
          'runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), ' +
          'seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      });
      assert.deepEqual(first[1], {
        id: 'base',
        allowed: true,
        reasons: [],
        details: [],
        forbiddenReason: '',
        forbiddenDetail: '',
      });
      assert.deepEqual(second[0]!.error === undefined ? second[0]!.reasons : [], ['runAsNonRoot != true']);
    } finally {
      await oracle.close();
    }
  });

  it('decodes like the API server: case-sensitive names, typed numbers', async () => {
    const oracle = startOracle<EvalRequest, EvalResponse>('eval', { binary: buildOracle() });
    try {
      const [wrongCase, float, badLevel] = await oracle.send([
        { id: 1, level: 'baseline', version: 'latest', pod: { spec: { HostPID: true, containers: [] } } },
        {
          id: 2,
          level: 'baseline',
          version: 'latest',
          pod: { spec: { containers: [{ ports: [{ hostPort: 1.5 }] }] } },
        },
        { id: 3, level: 'Baseline', version: 'latest', pod: {} },
      ]);
      assert.equal(wrongCase!.error === undefined && wrongCase!.allowed, true);
      assert.match(float!.error ?? '', /^pod: .*hostPort/);
      assert.equal(badLevel!.error, 'level "Baseline": must be one of privileged, baseline, restricted');
    } finally {
      await oracle.close();
    }
  });

  it('reports an oracle that cannot run the mode', async () => {
    const oracle = startOracle<EvalRequest, EvalResponse>('no-such-mode', { binary: buildOracle() });
    await assert.rejects(oracle.send([{ id: 1, level: 'baseline', version: 'latest', pod: {} }]), OracleError);
    await assert.rejects(oracle.close(), /oracle no-such-mode stopped \(exit code 2\): unknown mode "no-such-mode"/);
  });
});
