import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ObjectMeta } from '../../k8s/index.ts';
import { OwnerIndex } from './owners.ts';

const controlled = (kind: string, name: string, uid: string, labels: Record<string, string> = {}): ObjectMeta => ({
  name: 'pod',
  labels,
  ownerReferences: [
    { apiVersion: 'v1', kind: 'Other', name: 'not-the-controller', uid: 'x' },
    { apiVersion: 'apps/v1', kind, name, uid, controller: true },
  ],
});

it('resolves pods to their top owner', () => {
  const index = new OwnerIndex();
  index.addWorkload('ReplicaSet', {
    name: 'web-abc',
    uid: 'rs-1',
    ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'd-1', controller: true }],
  });
  index.addWorkload('Job', {
    name: 'backup-1',
    uid: 'job-1',
    ownerReferences: [{ kind: 'CronJob', name: 'backup', uid: 'cj-1', controller: true }],
  });
  index.addWorkload('ReplicaSet', { name: 'bare-rs', uid: 'rs-2' });
  index.addWorkload('Deployment', { name: 'web', uid: 'd-1' });
  assert.equal(index.size, 2, 'only owned ReplicaSets and Jobs are kept');
  const cases: readonly [ObjectMeta, string][] = [
    [controlled('ReplicaSet', 'web-abc', 'rs-1'), 'Deployment/web'],
    [controlled('Job', 'backup-1', 'job-1'), 'CronJob/backup'],
    [controlled('ReplicaSet', 'bare-rs', 'rs-2'), 'ReplicaSet/bare-rs'],
    [controlled('StatefulSet', 'db', 's-1'), 'StatefulSet/db'],
    [controlled('DaemonSet', 'agent', 'ds-1'), 'DaemonSet/agent'],
    [controlled('Job', 'once', 'job-2'), 'Job/once'],
    // A ReplicaSet that was not listed: the Deployment naming convention.
    [controlled('ReplicaSet', 'api-7d9f8c6b5', 'rs-3', { 'pod-template-hash': '7d9f8c6b5' }), 'Deployment/api'],
    [controlled('ReplicaSet', 'api-7d9f8c6b5', 'rs-3', { 'pod-template-hash': 'other' }), 'ReplicaSet/api-7d9f8c6b5'],
    [{ name: 'debug', ownerReferences: [{ kind: 'Node', name: 'n1', uid: 'n' }] }, 'Pod/debug'],
    [{ name: 'debug' }, 'Pod/debug'],
  ];
  for (const [pod, expected] of cases) {
    const owner = index.ownerOf(pod);
    assert.equal(`${owner.kind}/${owner.name}`, expected);
  }
});
