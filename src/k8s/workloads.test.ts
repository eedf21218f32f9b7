import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssue } from '../api/issue.ts';
import {
  POD_BEARING_KINDS,
  decodeNamespace,
  decodeWorkload,
  formatGroupVersionKind,
  isPodBearing,
  parseApiVersion,
} from './workloads.ts';

const podTemplate = {
  metadata: { name: 'tpl', annotations: { a: 'b' } },
  spec: { hostPID: true, containers: [{ name: 'c', securityContext: { privileged: 'yes' } }] },
};

/** Wraps a template at a dotted path. */
function wrap(path: string, template: unknown): Record<string, unknown> {
  const parts = path.split('.');
  let node: unknown = template;
  for (let i = parts.length - 1; i >= 0; i--) node = { [parts[i]!]: node };
  return node as Record<string, unknown>;
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('isPodBearing', () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    ['v1', 'Pod', true],
    ['v1', 'PodTemplate', true],
    ['v1', 'ReplicationController', true],
    ['apps/v1', 'ReplicaSet', true],
    ['apps/v1', 'Deployment', true],
    ['apps/v1beta2', 'Deployment', true],
    ['apps/v1', 'DaemonSet', true],
    ['apps/v1', 'StatefulSet', true],
    ['batch/v1', 'Job', true],
    ['batch/v1', 'CronJob', true],
    ['batch/v1beta1', 'CronJob', true],
    ['v1', 'ConfigMap', false],
    ['v1', 'Service', false],
    ['v1', 'Deployment', false],
    ['apps/v1', 'Pod', false],
    ['extensions/v1beta1', 'Deployment', false],
    ['batch/v1', 'job', false],
    ['', 'Pod', false],
    ['apps/v1/x', 'Deployment', false],
    ['/v1', 'Pod', false],
  ];
  for (const [apiVersion, kind, expected] of cases) {
    it(`${apiVersion} ${kind} -> ${expected}`, () => assert.equal(isPodBearing(apiVersion, kind), expected));
  }
  it('parses apiVersion and renders GVKs like upstream', () => {
    assert.deepEqual(parseApiVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseApiVersion('apps/v1'), { group: 'apps', version: 'v1' });
    assert.equal(parseApiVersion('a/b/c'), undefined);
    assert.equal(formatGroupVersionKind('v1', 'ConfigMap'), '/v1, Kind=ConfigMap');
    assert.equal(formatGroupVersionKind('apps/v1', 'Foo'), 'apps/v1, Kind=Foo');
  });
});

describe('decodeWorkload: template extraction', () => {
  for (const info of POD_BEARING_KINDS) {
    if (info.templatePath === '') continue;
    const apiVersion = info.group === '' ? 'v1' : `${info.group}/v1`;
    it(`${info.kind} reads ${info.templatePath}`, () => {
      const raw = {
        apiVersion,
        kind: info.kind,
        metadata: { name: 'own', labels: { x: 'y' } },
        ...wrap(info.templatePath, podTemplate),
      };
      const result = decodeWorkload(raw);
      assert.equal(result.podBearing, true);
      if (!result.podBearing) return;
      assert.equal(result.kind, info.kind);
      assert.equal(result.apiVersion, apiVersion);
      assert.equal(result.templatePath, info.templatePath);
      assert.deepEqual(plain(result.metadata), { name: 'own', labels: { x: 'y' } });
      assert.deepEqual(plain(result.template), {
        metadata: { name: 'tpl', annotations: { a: 'b' } },
        spec: { hostPID: true, containers: [{ name: 'c', securityContext: {} }] },
      });
      assert.deepEqual(result.issues.map(formatIssue), [
        `${info.templatePath}.spec.containers[0].securityContext.privileged: expected boolean, got string`,
      ]);
    });
  }
  it('a Pod is its own template', () => {
    const result = decodeWorkload({ apiVersion: 'v1', kind: 'Pod', ...podTemplate });
    assert.ok(result.podBearing);
    assert.equal(result.templatePath, '');
    assert.equal(result.template?.metadata, result.metadata);
    assert.deepEqual(result.issues.map(formatIssue), [
      'spec.containers[0].securityContext.privileged: expected boolean, got string',
    ]);
  });

  const absent: readonly (readonly [string, Record<string, unknown>, 'null' | 'empty', readonly string[]])[] = [
    ['ReplicationController without spec', { apiVersion: 'v1', kind: 'ReplicationController' }, 'null', []],
    [
      'ReplicationController with null template',
      { apiVersion: 'v1', kind: 'ReplicationController', spec: { template: null } },
      'null',
      [],
    ],
    [
      'ReplicationController with a string template',
      { apiVersion: 'v1', kind: 'ReplicationController', spec: { template: 'x' } },
      'null',
      ['spec.template: expected object, got string'],
    ],
    ['Deployment without spec', { apiVersion: 'apps/v1', kind: 'Deployment' }, 'empty', []],
    [
      'Deployment with null template',
      { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: null } },
      'empty',
      [],
    ],
    [
      'Deployment with an array spec',
      { apiVersion: 'apps/v1', kind: 'Deployment', spec: [] },
      'empty',
      ['spec: expected object, got array'],
    ],
    ['CronJob without jobTemplate', { apiVersion: 'batch/v1', kind: 'CronJob', spec: {} }, 'empty', []],
    [
      'CronJob with a bad jobTemplate.spec',
      { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: 5 } } },
      'empty',
      ['spec.jobTemplate.spec: expected object, got number'],
    ],
    ['PodTemplate without template', { apiVersion: 'v1', kind: 'PodTemplate' }, 'empty', []],
    ['Job with an empty template', { apiVersion: 'batch/v1', kind: 'Job', spec: { template: {} } }, 'empty', []],
  ];
  for (const [name, raw, expected, issues] of absent) {
    it(name, () => {
      const result = decodeWorkload(raw);
      assert.ok(result.podBearing);
      if (expected === 'null') assert.equal(result.template, null);
      else assert.deepEqual(result.template, { metadata: {}, spec: {} });
      assert.deepEqual(result.issues.map(formatIssue), issues);
    });
  }
});

describe('decodeWorkload: other objects and bad envelopes', () => {
  const cases: readonly (readonly [string, unknown, string, string, readonly string[]])[] = [
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } }, 'v1', 'ConfigMap', []],
    ['missing kind', { apiVersion: 'v1' }, 'v1', '', ['kind: kind is required']],
    ['missing apiVersion', { kind: 'Pod' }, '', 'Pod', ['apiVersion: apiVersion is required']],
    ['numeric kind', { apiVersion: 'v1', kind: 5 }, 'v1', '', ['kind: expected string, got number']],
    [
      'malformed apiVersion',
      { apiVersion: 'a/b/c', kind: 'Pod' },
      'a/b/c',
      'Pod',
      ['apiVersion: malformed apiVersion "a/b/c"'],
    ],
    ['a string', 'Pod', '', '', ['expected object, got string']],
    ['null', null, '', '', ['expected an object, got nothing']],
  ];
  for (const [name, raw, apiVersion, kind, issues] of cases) {
    it(name, () => {
      const result = decodeWorkload(raw);
      assert.equal(result.podBearing, false);
      assert.equal(result.apiVersion, apiVersion);
      assert.equal(result.kind, kind);
      assert.deepEqual(result.issues.map(formatIssue), issues);
    });
  }
  it('decodes the own metadata of other objects', () => {
    const result = decodeWorkload({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 1 } });
    assert.deepEqual(plain(result.metadata), { name: 's' });
    assert.deepEqual(result.issues.map(formatIssue), ['metadata.namespace: expected string, got number']);
  });
});

describe('decodeNamespace', () => {
  it('decodes name and labels', () => {
    const raw = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
      spec: { finalizers: ['kubernetes'] },
    };
    const { value, issues } = decodeNamespace(raw);
    assert.deepEqual(issues, []);
    assert.deepEqual(plain(value), {
      metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
  });
  const bad: readonly (readonly [string, unknown, readonly string[]])[] = [
    ['without kind and apiVersion', { metadata: { name: 'ns' } }, []],
    [
      'a label with a number',
      { metadata: { labels: { 'pod-security.kubernetes.io/enforce-version': 1.25 } } },
      ['metadata.labels[pod-security.kubernetes.io/enforce-version]: expected string, got number'],
    ],
    ['another kind', { kind: 'Pod', apiVersion: 'v1' }, ['kind: expected Namespace, got "Pod"']],
    ['another apiVersion', { kind: 'Namespace', apiVersion: 'v2' }, ['apiVersion: expected v1, got "v2"']],
    ['not an object', [], ['expected object, got array']],
    ['metadata not an object', { metadata: 'x' }, ['metadata: expected object, got string']],
  ];
  for (const [name, raw, issues] of bad) {
    it(name, () => assert.deepEqual(decodeNamespace(raw).issues.map(formatIssue), issues));
  }
});
