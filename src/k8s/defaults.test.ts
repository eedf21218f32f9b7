import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePod } from './decode-pod.ts';
import { applyApiServerDefaults, applyWorkloadDefaults, hasNoVolumeSource } from './defaults.ts';
import type { PodShape } from './pod.ts';
import { decodeWorkload } from './workloads.ts';

function decoded(spec: unknown): PodShape {
  const { value, issues } = decodePod({ metadata: { name: 'p' }, spec });
  assert.deepEqual(issues, []);
  return value;
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('applyApiServerDefaults: volumes (pods and templates)', () => {
  const cases: readonly (readonly [string, unknown, unknown])[] = [
    ['a volume with only a name', [{ name: 'v' }], [{ name: 'v', emptyDir: {} }]],
    ['a null source is no source', [{ name: 'v', hostPath: null }], [{ name: 'v', emptyDir: {} }]],
    ['an unknown key is no source', [{ name: 'v', fancyNewSource: {} }], [{ name: 'v', emptyDir: {} }]],
    ['a null volume', [null], [{ emptyDir: {} }]],
    ['hostPath is kept', [{ name: 'h', hostPath: { path: '/' } }], [{ name: 'h', hostPath: {} }]],
    ['image counts as a source', [{ name: 'i', image: { reference: 'x' } }], [{ name: 'i', image: {} }]],
    [
      'only sourceless volumes change',
      [{ name: 'a', secret: {} }, { name: 'b' }, { name: 'c', nfs: {} }],
      [
        { name: 'a', secret: {} },
        { name: 'b', emptyDir: {} },
        { name: 'c', nfs: {} },
      ],
    ],
  ];
  for (const target of ['pod', 'template'] as const) {
    for (const [name, volumes, expected] of cases) {
      it(`${target}: ${name}`, () => {
        const out = applyApiServerDefaults(decoded({ volumes }), target);
        assert.deepEqual(plain(out.spec.volumes), expected);
      });
    }
  }
  it('hasNoVolumeSource', () => {
    assert.equal(hasNoVolumeSource({ name: 'x' }), true);
    assert.equal(hasNoVolumeSource({ name: 'x', csi: {} }), false);
    assert.equal(hasNoVolumeSource({ name: 'x', csi: null }), true);
  });
});

describe('applyApiServerDefaults: hostPort with hostNetwork', () => {
  const ports = [
    { containerPort: 80 },
    { containerPort: 443, hostPort: 0 },
    { containerPort: 53, hostPort: 5353 },
    { hostPort: 0 },
  ];
  const defaulted = [
    { containerPort: 80, hostPort: 80 },
    { containerPort: 443, hostPort: 443 },
    { containerPort: 53, hostPort: 5353 },
    { hostPort: 0 },
  ];
  const spec = (hostNetwork: unknown) => ({
    hostNetwork,
    initContainers: [{ name: 'i', ports }],
    containers: [{ name: 'c', ports }, { name: 'd' }],
    ephemeralContainers: [{ name: 'e', ports }],
  });
  const cases: readonly (readonly [string, 'pod' | 'template', unknown, boolean])[] = [
    ['pod with hostNetwork', 'pod', true, true],
    ['pod without hostNetwork', 'pod', false, false],
    ['pod with null hostNetwork', 'pod', null, false],
    ['template with hostNetwork (not defaulted since 1.28)', 'template', true, false],
  ];
  for (const [name, target, hostNetwork, expectDefaulted] of cases) {
    it(name, () => {
      const out = applyApiServerDefaults(decoded(spec(hostNetwork)), target);
      const want = expectDefaulted ? defaulted : ports;
      assert.deepEqual(plain(out.spec.initContainers?.[0]?.ports), want);
      assert.deepEqual(plain(out.spec.containers?.[0]?.ports), want);
      assert.equal(out.spec.containers?.[1]?.ports, undefined);
      // Ephemeral containers are never defaulted.
      assert.deepEqual(plain(out.spec.ephemeralContainers?.[0]?.ports), ports);
    });
  }
});

describe('applyApiServerDefaults: identity and immutability', () => {
  it('returns the input when nothing needs defaulting', () => {
    const shape = decoded({
      hostNetwork: true,
      volumes: [{ name: 'a', emptyDir: {} }],
      containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: 80 }] }],
    });
    assert.equal(applyApiServerDefaults(shape, 'pod'), shape);
    const empty = decoded({});
    assert.equal(applyApiServerDefaults(empty, 'pod'), empty);
  });
  it('never mutates the input and shares unchanged parts', () => {
    const shape = decoded({
      hostNetwork: true,
      volumes: [{ name: 'a' }],
      containers: [{ name: 'c', ports: [{ containerPort: 80 }] }, { name: 'd' }],
    });
    const before = plain(shape);
    const out = applyApiServerDefaults(shape, 'pod');
    assert.deepEqual(plain(shape), before);
    assert.notEqual(out, shape);
    assert.equal(out.metadata, shape.metadata);
    assert.equal(out.spec.containers?.[1], shape.spec.containers?.[1]);
    assert.deepEqual(plain(applyApiServerDefaults(out, 'pod')), plain(out));
  });
});

describe('applyWorkloadDefaults', () => {
  const spec = {
    hostNetwork: true,
    volumes: [{ name: 'v' }],
    containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }],
  };
  it('defaults a Pod as a pod', () => {
    const out = applyWorkloadDefaults(decodeWorkload({ apiVersion: 'v1', kind: 'Pod', spec }));
    assert.ok(out.podBearing);
    assert.deepEqual(plain(out.template?.spec), {
      hostNetwork: true,
      volumes: [{ name: 'v', emptyDir: {} }],
      containers: [{ name: 'c', ports: [{ containerPort: 8080, hostPort: 8080 }] }],
    });
  });
  it('defaults a Deployment template as a template', () => {
    const out = applyWorkloadDefaults(
      decodeWorkload({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec } } }),
    );
    assert.ok(out.podBearing);
    assert.deepEqual(plain(out.template?.spec), {
      hostNetwork: true,
      volumes: [{ name: 'v', emptyDir: {} }],
      containers: [{ name: 'c', ports: [{ containerPort: 8080 }] }],
    });
  });
  it('leaves templateless and other objects alone', () => {
    const rc = decodeWorkload({ apiVersion: 'v1', kind: 'ReplicationController' });
    assert.equal(applyWorkloadDefaults(rc), rc);
    const cm = decodeWorkload({ apiVersion: 'v1', kind: 'ConfigMap' });
    assert.equal(applyWorkloadDefaults(cm), cm);
  });
});
