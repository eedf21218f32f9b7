import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLevelVersion } from '../api/index.ts';
import { evaluateOffline } from './create.ts';
import { settings } from './testing.ts';

const P = 'pod-security.kubernetes.io/';
const barePod = { metadata: { name: 'nginx-pod' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };
const A1_DETAIL =
  'allowPrivilegeEscalation != false (container "nginx" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "nginx" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "nginx" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('evaluateOffline', () => {
  it('gives per-mode LevelVersions, evaluations and the exact messages', () => {
    const verdict = evaluateOffline({
      ...barePod,
      settings: settings({ enforce: 'baseline', audit: 'restricted', warn: 'restricted' }),
    });
    assert.equal(formatLevelVersion(verdict.enforce.levelVersion), 'baseline:latest');
    assert.equal(verdict.enforce.evaluation?.allowed, true);
    assert.equal(verdict.enforce.message, undefined);
    assert.equal(verdict.warn.message, `would violate PodSecurity "restricted:latest": ${A1_DETAIL}`);
    assert.equal(verdict.audit.message, `would violate PodSecurity "restricted:latest": ${A1_DETAIL}`);
    assert.equal(verdict.audit.evaluation, verdict.warn.evaluation, 'one evaluation per LevelVersion');
    assert.deepEqual(verdict.policyErrors, []);
    assert.equal(verdict.policyError, undefined);
  });

  it('uses namespace labels over the defaults and phrases enforce as a violation', () => {
    const verdict = evaluateOffline({
      ...barePod,
      settings: settings(),
      namespaceLabels: { [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.0' },
    });
    assert.equal(
      verdict.enforce.message,
      'violates PodSecurity "restricted:v1.0": runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true)',
    );
    assert.equal(formatLevelVersion(verdict.warn.levelVersion), 'restricted:v1.0');
  });

  it('reports label errors as upstream annotates them, evaluating the fail-closed policy', () => {
    const verdict = evaluateOffline({
      ...barePod,
      settings: settings(),
      namespaceLabels: { [`${P}enforce`]: 'strict' },
    });
    assert.equal(
      verdict.policyError,
      'Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
    assert.equal(formatLevelVersion(verdict.enforce.levelVersion), 'restricted:latest');
    assert.equal(verdict.enforce.evaluation?.allowed, false);
  });

  const exemptions = [
    { reason: 'namespace', input: { namespace: 'kube-system' } },
    { reason: 'user', input: { username: 'alice' } },
    { reason: 'runtimeClass', input: {}, spec: { runtimeClassName: 'kata' } },
  ] as const;
  for (const e of exemptions) {
    it(`honours ${e.reason} exemptions`, () => {
      const spec = { ...barePod.spec, ...('spec' in e ? e.spec : {}) };
      const verdict = evaluateOffline({
        metadata: barePod.metadata,
        spec,
        ...e.input,
        settings: settings(
          { enforce: 'restricted' },
          { namespaces: ['kube-system'], usernames: ['alice'], runtimeClasses: ['kata'] },
        ),
      });
      assert.equal(verdict.exempt, e.reason);
      assert.equal(verdict.enforce.evaluation, undefined);
      assert.equal(verdict.enforce.message, undefined);
    });
  }
});
