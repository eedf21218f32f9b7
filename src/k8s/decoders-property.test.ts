import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodePod } from './decode-pod.ts';
import { applyWorkloadDefaults } from './defaults.ts';
import { decodeNamespace, decodeWorkload } from './workloads.ts';

/** Every key the decoders read, plus a few hostile ones, so random objects land on real fields with random types. */
const KEYS = [
  ...[
    'apiVersion',
    'kind',
    'metadata',
    'spec',
    'template',
    'jobTemplate',
    'name',
    'namespace',
    'labels',
    'annotations',
  ],
  ...['ownerReferences', 'controller', 'uid', 'hostNetwork', 'hostPID', 'hostIPC', 'hostUsers', 'os', 'volumes'],
  ...['emptyDir', 'hostPath', 'nfs', 'secret', 'initContainers', 'containers', 'ephemeralContainers', 'ports'],
  ...['hostPort', 'containerPort', 'securityContext', 'privileged', 'allowPrivilegeEscalation', 'capabilities'],
  ...['add', 'drop', 'procMount', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'type', 'user', 'role'],
  ...['seccompProfile', 'appArmorProfile', 'sysctls', 'windowsOptions', 'hostProcess', 'livenessProbe'],
  ...['readinessProbe', 'startupProbe', 'lifecycle', 'postStart', 'preStop', 'httpGet', 'tcpSocket', 'host'],
  ...['__proto__', 'constructor', 'prototype', 'toString'],
];
const KINDS = ['Pod', 'PodTemplate', 'ReplicationController', 'Deployment', 'CronJob', 'Job', 'ConfigMap', 'Namespace'];

const { node } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom('v1', 'apps/v1', 'batch/v1', ...KINDS, 'ALL', 'Unmasked', 'windows', 0, 1, -1, 2 ** 40, 0.5),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 6 }),
  ),
}));

/** A JSON round trip of an object built with attacker keys (`__proto__` as an own key, as JSON.parse makes it). */
const hostile = node.map((value) => JSON.parse(JSON.stringify(value) ?? 'null') as unknown);
const envelope = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1', 'batch/v1'),
  kind: fc.constantFrom(...KINDS),
  spec: node,
  template: node,
  metadata: node,
});

describe('decoders: properties', () => {
  it('never throw and never pollute Object.prototype', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, envelope, fc.anything()), (raw) => {
        decodePod(raw);
        decodePod(raw, { path: 'spec.template' });
        applyWorkloadDefaults(decodeWorkload(raw));
        decodeNamespace(raw);
        assert.equal(Object.getOwnPropertyNames(Object.prototype).includes('polluted'), false);
        assert.equal(({} as Record<string, unknown>)['hostPID'], undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('a decoded value re-decodes to itself with no issues', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, envelope), (raw) => {
        const first = decodePod(raw).value;
        const again = decodePod(JSON.parse(JSON.stringify(first)) as unknown);
        assert.deepEqual(again.issues, []);
        assert.deepEqual(JSON.parse(JSON.stringify(again.value)), JSON.parse(JSON.stringify(first)));
      }),
      { numRuns: 3000 },
    );
  });
});
