import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseLevelVersion } from '../../api/index.ts';
import { TALOS_DEFAULT_POD_SECURITY } from '../../config/talos.ts';
import type { LevelOutcome, NamespaceAudit } from './aggregate.ts';
import { buildPlan, kubectlLabelLine, recommendedLabels } from './plan.ts';

const outcome = (refused: number): LevelOutcome => ({
  refused,
  reasons: refused > 0 ? { privileged: refused } : {},
  checks: refused > 0 ? { privileged: refused } : {},
  checkReasons: {},
  examples: {},
  owners:
    refused > 0
      ? [
          {
            kind: 'DaemonSet',
            name: 'agent',
            pods: refused,
            reasons: { privileged: refused },
            checks: { privileged: refused },
          },
        ]
      : [],
  warnings: [],
});

function ns(
  name: string,
  strictest: NamespaceAudit['strictestLevel'],
  labels: Record<string, string> = {},
  exempt = false,
): NamespaceAudit {
  const refusedBaseline = strictest === 'privileged' ? 2 : 0;
  const refusedRestricted = strictest === 'restricted' ? 0 : 2;
  return {
    name,
    labels,
    exempt,
    current: { enforce: 'baseline:latest', warn: 'restricted:latest', audit: 'restricted:latest' },
    pods: 2,
    exemptRuntimeClassPods: 0,
    strictestLevel: strictest,
    refusedAtCurrent: refusedBaseline,
    levels: { privileged: outcome(0), baseline: outcome(refusedBaseline), restricted: outcome(refusedRestricted) },
    workloads: [],
  };
}

it('recommends enforce at the strictest level met, warn and audit one above', () => {
  assert.deepEqual(recommendedLabels('privileged'), {
    'pod-security.kubernetes.io/enforce': 'privileged',
    'pod-security.kubernetes.io/warn': 'baseline',
    'pod-security.kubernetes.io/audit': 'baseline',
  });
  assert.equal(recommendedLabels('restricted')['pod-security.kubernetes.io/warn'], 'restricted');
  assert.ok(parseLevelVersion('restricted').ok);
});

it('kubectl lines only where labels change; quoting only where needed', () => {
  const plan = buildPlan(
    [
      ns('agents', 'privileged'),
      ns('done', 'restricted', recommendedLabels('restricted')),
      ns('kube-system', 'privileged', {}, true),
      ns('shop', 'baseline', { 'pod-security.kubernetes.io/enforce': 'baseline' }),
    ],
    TALOS_DEFAULT_POD_SECURITY,
    'baseline',
  );
  assert.deepEqual(plan.kubectl, [
    'kubectl label --overwrite namespace agents pod-security.kubernetes.io/enforce=privileged pod-security.kubernetes.io/warn=baseline pod-security.kubernetes.io/audit=baseline',
    'kubectl label --overwrite namespace shop pod-security.kubernetes.io/enforce=baseline pod-security.kubernetes.io/warn=restricted pod-security.kubernetes.io/audit=restricted',
  ]);
  assert.deepEqual(plan.privilegedNamespaces, ['agents'], 'exempt namespaces are already exempt');
  assert.match(plan.talosPatch, /exemptions:\n {20}namespaces:\n {24}- agents\n$/);
  assert.match(plan.podSecurityConfiguration, /namespaces:\n {4}- kube-system\n {4}- agents\n/);
  assert.deepEqual(
    plan.planLevel?.namespaces.map((e) => [e.namespace, e.refused, e.exempt]),
    [
      ['agents', 2, false],
      ['kube-system', 2, true],
    ],
  );
  assert.equal(plan.planLevel?.refused, 4);
  assert.equal(kubectlLabelLine("it's", { a: 'b c' }), `kubectl label --overwrite namespace 'it'\\''s' 'a=b c'`);
});

it('no privileged namespaces: no configuration patches', () => {
  const plan = buildPlan([ns('shop', 'baseline')], TALOS_DEFAULT_POD_SECURITY, undefined);
  assert.equal(plan.talosPatch, '');
  assert.equal(plan.podSecurityConfiguration, '');
  assert.equal(plan.planLevel, undefined);
});
