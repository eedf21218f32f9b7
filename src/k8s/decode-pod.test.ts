import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssue } from '../api/issue.ts';
import { MAX_DECODE_ISSUES } from './decode-primitives.ts';
import { VOLUME_SOURCE_KEYS, decodeObjectMeta, decodePod, decodePodSpec } from './decode-pod.ts';

type Json = Record<string, unknown>;

/** Sets `value` at a dotted path with `[i]` indices, creating objects and arrays on the way. */
function setPath(root: Json, path: string, value: unknown): Json {
  const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let node: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    const nextIsIndex = !last && parts[i + 1]!.startsWith('[');
    const key: string | number = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
    const container = node as Record<string | number, unknown>;
    if (last) container[key] = value;
    else {
      container[key] ??= nextIsIndex ? [] : {};
      node = container[key] as Record<string, unknown> | unknown[];
    }
  }
  return root;
}

/** Reads a dotted path from a decoded value (undefined when any step is missing). */
function getPath(root: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let node: unknown = root;
  for (const part of parts) {
    if (node === undefined || node === null) return undefined;
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** A JSON round trip: compares decoded values (null-prototype maps included) as plain data. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function messages(raw: unknown, path = ''): string[] {
  return decodePod(raw, { path }).issues.map(formatIssue);
}

type FieldType = 'string' | 'boolean' | 'int32' | 'int64' | 'object' | 'array' | 'stringMap';

const containerFields: readonly (readonly [string, FieldType])[] = [
  ['', 'object'],
  ['name', 'string'],
  ['image', 'string'],
  ['ports', 'array'],
  ['ports[0]', 'object'],
  ['ports[0].containerPort', 'int32'],
  ['ports[0].hostPort', 'int32'],
  ['securityContext', 'object'],
  ['securityContext.privileged', 'boolean'],
  ['securityContext.allowPrivilegeEscalation', 'boolean'],
  ['securityContext.capabilities', 'object'],
  ['securityContext.capabilities.add', 'array'],
  ['securityContext.capabilities.add[0]', 'string'],
  ['securityContext.capabilities.drop', 'array'],
  ['securityContext.capabilities.drop[0]', 'string'],
  ['securityContext.procMount', 'string'],
  ['securityContext.runAsNonRoot', 'boolean'],
  ['securityContext.runAsUser', 'int64'],
  ['securityContext.seLinuxOptions', 'object'],
  ['securityContext.seLinuxOptions.type', 'string'],
  ['securityContext.seLinuxOptions.user', 'string'],
  ['securityContext.seLinuxOptions.role', 'string'],
  ['securityContext.seccompProfile', 'object'],
  ['securityContext.seccompProfile.type', 'string'],
  ['securityContext.appArmorProfile', 'object'],
  ['securityContext.appArmorProfile.type', 'string'],
  ['securityContext.windowsOptions', 'object'],
  ['securityContext.windowsOptions.hostProcess', 'boolean'],
  ...['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle.postStart', 'lifecycle.preStop'].flatMap(
    (handler) =>
      [
        [handler, 'object'],
        [`${handler}.httpGet`, 'object'],
        [`${handler}.httpGet.host`, 'string'],
        [`${handler}.tcpSocket`, 'object'],
        [`${handler}.tcpSocket.host`, 'string'],
      ] as const,
  ),
  ['lifecycle', 'object'],
];

/** Every decoded field with its JSON type, as paths from the Pod root. */
const fields: readonly (readonly [string, FieldType])[] = [
  ['metadata', 'object'],
  ['metadata.name', 'string'],
  ['metadata.generateName', 'string'],
  ['metadata.namespace', 'string'],
  ['metadata.uid', 'string'],
  ['metadata.labels', 'stringMap'],
  ['metadata.annotations', 'stringMap'],
  ['metadata.ownerReferences', 'array'],
  ['metadata.ownerReferences[0]', 'object'],
  ['metadata.ownerReferences[0].apiVersion', 'string'],
  ['metadata.ownerReferences[0].kind', 'string'],
  ['metadata.ownerReferences[0].name', 'string'],
  ['metadata.ownerReferences[0].uid', 'string'],
  ['metadata.ownerReferences[0].controller', 'boolean'],
  ['spec', 'object'],
  ['spec.hostNetwork', 'boolean'],
  ['spec.hostPID', 'boolean'],
  ['spec.hostIPC', 'boolean'],
  ['spec.hostUsers', 'boolean'],
  ['spec.os', 'object'],
  ['spec.os.name', 'string'],
  ['spec.runtimeClassName', 'string'],
  ['spec.securityContext', 'object'],
  ['spec.securityContext.runAsNonRoot', 'boolean'],
  ['spec.securityContext.runAsUser', 'int64'],
  ['spec.securityContext.seLinuxOptions', 'object'],
  ['spec.securityContext.seLinuxOptions.type', 'string'],
  ['spec.securityContext.seLinuxOptions.user', 'string'],
  ['spec.securityContext.seLinuxOptions.role', 'string'],
  ['spec.securityContext.seccompProfile', 'object'],
  ['spec.securityContext.seccompProfile.type', 'string'],
  ['spec.securityContext.appArmorProfile', 'object'],
  ['spec.securityContext.appArmorProfile.type', 'string'],
  ['spec.securityContext.sysctls', 'array'],
  ['spec.securityContext.sysctls[0]', 'object'],
  ['spec.securityContext.sysctls[0].name', 'string'],
  ['spec.securityContext.windowsOptions', 'object'],
  ['spec.securityContext.windowsOptions.hostProcess', 'boolean'],
  ['spec.volumes', 'array'],
  ['spec.volumes[0]', 'object'],
  ['spec.volumes[0].name', 'string'],
  ...VOLUME_SOURCE_KEYS.map((key) => [`spec.volumes[0].${key}`, 'object'] as const),
  ...(['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((kind) => [
    [`spec.${kind}`, 'array'] as const,
    ...containerFields.map(([sub, type]) => [`spec.${kind}[0]${sub === '' ? '' : `.${sub}`}`, type] as const),
  ]),
];

/** A PodShape always has metadata and spec (empty when unset or invalid). */
const alwaysPresent = new Set(['metadata', 'spec']);

/** A wrongly typed value for each field type, and the message it must produce. */
const wrong: Readonly<Record<FieldType, readonly (readonly [unknown, string])[]>> = {
  string: [
    [5, 'expected string, got number'],
    [true, 'expected string, got boolean'],
    [{}, 'expected string, got object'],
  ],
  boolean: [
    ['true', 'expected boolean, got string'],
    [1, 'expected boolean, got number'],
    [[], 'expected boolean, got array'],
  ],
  int32: [
    ['80', 'expected integer, got string'],
    [1.5, 'expected integer, got 1.5'],
    [2147483648, 'integer 2147483648 out of int32 range'],
    [-2147483649, 'integer -2147483649 out of int32 range'],
    [Number.NaN, 'expected integer, got NaN'],
  ],
  int64: [
    ['0', 'expected integer, got string'],
    [false, 'expected integer, got boolean'],
    [0.5, 'expected integer, got 0.5'],
    [2 ** 63, 'integer 9223372036854776000 out of int64 range'],
    [Number.POSITIVE_INFINITY, 'expected integer, got Infinity'],
  ],
  object: [
    ['x', 'expected object, got string'],
    [[], 'expected object, got array'],
    [0, 'expected object, got number'],
  ],
  array: [
    [{}, 'expected array, got object'],
    ['a', 'expected array, got string'],
  ],
  stringMap: [
    [[], 'expected object, got array'],
    ['a=b', 'expected object, got string'],
  ],
};

describe('decodePod: every field, every type mismatch', () => {
  for (const [path, type] of fields) {
    for (const [bad, message] of wrong[type]) {
      it(`${path} = ${JSON.stringify(bad) ?? String(bad)}`, () => {
        const raw = setPath({}, path, bad);
        const result = decodePod(raw);
        assert.deepEqual(result.issues.map(formatIssue), [`${path}: ${message}`]);
        // Reported AND left out: a list loses the element, any other field is absent.
        const indexed = /\[0\]$/.exec(path);
        if (indexed !== null) assert.deepEqual(getPath(result.value, path.slice(0, -3)), []);
        else assert.deepEqual(getPath(result.value, path), alwaysPresent.has(path) ? {} : undefined);
      });
    }
  }
  it('reports map values by key', () => {
    assert.deepEqual(
      messages({ metadata: { labels: { a: 'x', b: 1 }, annotations: { 'a/b': [], 'with space]': 1 } } }),
      [
        'metadata.labels[b]: expected string, got number',
        'metadata.annotations[a/b]: expected string, got array',
        'metadata.annotations["with space]"]: expected string, got number',
      ],
    );
  });
  it('collects every issue, not just the first', () => {
    const raw = {
      spec: {
        hostPID: 'yes',
        containers: [{ name: 1, securityContext: { privileged: 'true', runAsUser: '0' } }, 'oops'],
        initContainers: [{ ports: [{ hostPort: '80' }] }],
      },
    };
    assert.deepEqual(messages(raw), [
      'spec.hostPID: expected boolean, got string',
      'spec.initContainers[0].ports[0].hostPort: expected integer, got string',
      'spec.containers[0].name: expected string, got number',
      'spec.containers[0].securityContext.privileged: expected boolean, got string',
      'spec.containers[0].securityContext.runAsUser: expected integer, got string',
      'spec.containers[1]: expected object, got string',
    ]);
  });
});

describe('decodePod: paths', () => {
  const cases: readonly (readonly [string, string])[] = [
    ['', 'spec.containers[0].securityContext.privileged: expected boolean, got string'],
    ['spec.template', 'spec.template.spec.containers[0].securityContext.privileged: expected boolean, got string'],
    [
      'spec.jobTemplate.spec.template',
      'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged: expected boolean, got string',
    ],
    ['template', 'template.spec.containers[0].securityContext.privileged: expected boolean, got string'],
  ];
  for (const [base, expected] of cases) {
    it(`base path ${JSON.stringify(base)}`, () => {
      assert.deepEqual(messages({ spec: { containers: [{ securityContext: { privileged: 'true' } }] } }, base), [
        expected,
      ]);
    });
  }
  it('a non-object root is reported at the base path', () => {
    assert.deepEqual(messages('pod'), ['expected object, got string']);
    assert.deepEqual(messages([], 'spec.template'), ['spec.template: expected object, got array']);
    assert.deepEqual(decodePod(42).value, { metadata: {}, spec: {} });
  });
  it('decodeObjectMeta and decodePodSpec default to their own paths', () => {
    assert.deepEqual(decodeObjectMeta({ name: 1 }).issues.map(formatIssue), [
      'metadata.name: expected string, got number',
    ]);
    assert.deepEqual(decodePodSpec({ hostIPC: 1 }).issues.map(formatIssue), [
      'spec.hostIPC: expected boolean, got number',
    ]);
    assert.deepEqual(decodePodSpec({ hostIPC: 1 }, { path: 'spec.template.spec' }).issues.map(formatIssue), [
      'spec.template.spec.hostIPC: expected boolean, got number',
    ]);
  });
});

describe('decodePod: null means unset', () => {
  for (const [path, type] of fields) {
    if (path.endsWith('[0]')) continue;
    it(`${path}: null (${type})`, () => {
      const result = decodePod(setPath({}, path, null));
      assert.deepEqual(result.issues, []);
      assert.deepEqual(getPath(result.value, path), alwaysPresent.has(path) ? {} : undefined);
    });
  }
  it('volume sources: {} is set, null is unset', () => {
    const { value, issues } = decodePod({
      spec: {
        volumes: [
          { name: 'a', emptyDir: {} },
          { name: 'b', emptyDir: null },
          { name: 'c', hostPath: { path: '/' } },
        ],
      },
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(plain(value.spec.volumes), [
      { name: 'a', emptyDir: {} },
      { name: 'b' },
      { name: 'c', hostPath: {} },
    ]);
  });
  it('null list elements and map values take the zero value, as the API server stores them', () => {
    const { value, issues } = decodePod({
      metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': null } },
      spec: {
        containers: [null],
        volumes: [null],
        securityContext: { sysctls: [null] },
        initContainers: [{ securityContext: { capabilities: { add: [null, 'NET_RAW'] } } }],
      },
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(plain(value), {
      metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': '' } },
      spec: {
        securityContext: { sysctls: [{}] },
        volumes: [{}],
        initContainers: [{ securityContext: { capabilities: { add: ['', 'NET_RAW'] } } }],
        containers: [{}],
      },
    });
  });
});

describe('decodePod: values', () => {
  it('decodes every field Pod Security reads and ignores the rest', () => {
    const raw = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'ns',
        labels: { app: 'x' },
        annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true, extra: 1 },
        ],
        resourceVersion: '5',
      },
      spec: {
        hostNetwork: true,
        hostPID: false,
        hostIPC: true,
        hostUsers: false,
        os: { name: 'windows' },
        runtimeClassName: 'gvisor',
        nodeName: 'ignored',
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 7,
          seLinuxOptions: { type: 'container_t', user: 'u', role: 'r', level: 's0' },
          seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
          appArmorProfile: { type: 'RuntimeDefault' },
          sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }],
          windowsOptions: { hostProcess: false, runAsUserName: 'x' },
        },
        volumes: [{ name: 'v', configMap: { name: 'cm' }, unknownSource: {} }],
        initContainers: [
          { name: 'i', image: 'busybox', ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }] },
        ],
        containers: [
          {
            name: 'c',
            image: 'nginx',
            command: ['x'],
            securityContext: {
              privileged: false,
              allowPrivilegeEscalation: false,
              capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
              procMount: 'Default',
              runAsNonRoot: true,
              runAsUser: 0,
              seLinuxOptions: {},
              seccompProfile: { type: 'RuntimeDefault' },
              appArmorProfile: { type: 'Localhost', localhostProfile: 'x' },
              windowsOptions: { hostProcess: true },
              readOnlyRootFilesystem: true,
            },
            livenessProbe: { httpGet: { host: 'h', port: 80, path: '/' }, periodSeconds: 3 },
            readinessProbe: { tcpSocket: { port: 'http' } },
            startupProbe: { exec: { command: ['true'] } },
            lifecycle: {
              postStart: { tcpSocket: { host: 'a', port: 1 } },
              preStop: { httpGet: { host: '', port: 1 } },
            },
          },
        ],
        ephemeralContainers: [{ name: 'e', targetContainerName: 'c' }],
      },
      status: { phase: 'Running' },
    };
    const { value, issues } = decodePod(raw);
    assert.deepEqual(issues, []);
    assert.deepEqual(plain(value), {
      metadata: {
        name: 'p',
        namespace: 'ns',
        labels: { app: 'x' },
        annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true }],
      },
      spec: {
        hostNetwork: true,
        hostPID: false,
        hostIPC: true,
        hostUsers: false,
        os: { name: 'windows' },
        runtimeClassName: 'gvisor',
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 1000,
          seLinuxOptions: { user: 'u', role: 'r', type: 'container_t' },
          seccompProfile: { type: 'Localhost' },
          appArmorProfile: { type: 'RuntimeDefault' },
          sysctls: [{ name: 'kernel.shm_rmid_forced' }],
          windowsOptions: { hostProcess: false },
        },
        volumes: [{ name: 'v', configMap: {} }],
        initContainers: [{ name: 'i', image: 'busybox', ports: [{ containerPort: 53, hostPort: 53 }] }],
        containers: [
          {
            name: 'c',
            image: 'nginx',
            securityContext: {
              privileged: false,
              allowPrivilegeEscalation: false,
              capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
              procMount: 'Default',
              runAsNonRoot: true,
              runAsUser: 0,
              seLinuxOptions: {},
              seccompProfile: { type: 'RuntimeDefault' },
              appArmorProfile: { type: 'Localhost' },
              windowsOptions: { hostProcess: true },
            },
            livenessProbe: { httpGet: { host: 'h' } },
            // A handler that names no host decodes to the one shared empty handler (nothing in it is read).
            readinessProbe: {},
            startupProbe: {},
            lifecycle: { postStart: { tcpSocket: { host: 'a' } }, preStop: { httpGet: { host: '' } } },
          },
        ],
        ephemeralContainers: [{ name: 'e' }],
      },
    });
  });
  it('replaces lone surrogates with U+FFFD, as the Go decoder does', () => {
    const { value, issues } = decodePod(
      JSON.parse(
        '{"metadata":{"annotations":{"container.apparmor.security.beta.kubernetes.io/a\\ud800":"x\\udc00y"}},' +
          '"spec":{"containers":[{"name":"c\\ud800","securityContext":{"capabilities":{"add":["\\udfff"]}}}]}}',
      ),
    );
    assert.deepEqual(issues, []);
    assert.deepEqual(Object.entries(value.metadata.annotations ?? {}), [
      ['container.apparmor.security.beta.kubernetes.io/a\ufffd', 'x\ufffdy'],
    ]);
    assert.equal(value.spec.containers?.[0]?.name, 'c\ufffd');
    assert.deepEqual(value.spec.containers?.[0]?.securityContext?.capabilities?.add, ['\ufffd']);
    // Valid surrogate pairs are kept.
    assert.equal(decodePod({ metadata: { name: '\u{1F600}' } }).value.metadata.name, '\u{1F600}');
  });
  it('is case-sensitive about field names', () => {
    const { value, issues } = decodePod({
      spec: { HostNetwork: true, containers: [{ Name: 'x', securityContext: { Privileged: true } }] },
    });
    assert.deepEqual(issues, []);
    assert.deepEqual(plain(value.spec), { containers: [{ securityContext: {} }] });
  });
  it('accepts integer boundaries and bigint values', () => {
    const { value, issues } = decodePod({
      spec: {
        securityContext: { runAsUser: -(2 ** 63) },
        containers: [
          { ports: [{ containerPort: 2147483647, hostPort: -2147483648 }], securityContext: { runAsUser: 5n } },
          { securityContext: { runAsUser: 9223372036854775808n } },
        ],
      },
    });
    assert.deepEqual(issues.map(formatIssue), [
      'spec.containers[1].securityContext.runAsUser: integer 9223372036854775808 out of int64 range',
    ]);
    assert.equal(value.spec.securityContext?.runAsUser, -(2 ** 63));
    assert.deepEqual(value.spec.containers?.[0]?.ports, [{ containerPort: 2147483647, hostPort: -2147483648 }]);
    assert.equal(value.spec.containers?.[0]?.securityContext?.runAsUser, 5);
  });
});

describe('decodePod: hostile input', () => {
  it('keeps __proto__ keys as plain data and never touches Object.prototype', () => {
    const raw: unknown = JSON.parse(
      '{"metadata":{"__proto__":{"name":"evil"},"labels":{"__proto__":"x","constructor":"y"},' +
        '"annotations":{"__proto__":{"polluted":true}}},"spec":{"__proto__":{"hostPID":true},"containers":[{"__proto__":{"name":"p"}}]}}',
    );
    const { value, issues } = decodePod(raw);
    assert.deepEqual(issues.map(formatIssue), ['metadata.annotations[__proto__]: expected string, got object']);
    assert.equal(value.metadata.name, undefined);
    assert.equal(value.spec.hostPID, undefined);
    assert.equal(value.spec.containers?.[0]?.name, undefined);
    assert.equal(value.metadata.labels?.['__proto__'], 'x');
    assert.equal(value.metadata.labels?.['constructor'], 'y');
    assert.deepEqual(Object.keys(value.metadata.labels ?? {}), ['__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    // Plain objects (fast to iterate); `__proto__` is an own data property, not the prototype.
    assert.equal(Object.getPrototypeOf(value.metadata.labels), Object.prototype);
    assert.equal(Object.hasOwn(value.metadata.labels ?? {}, '__proto__'), true);
  });
  it('ignores deep nesting in unknown fields', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { x: deep };
    const { issues } = decodePod({ spec: { affinity: deep, containers: [{ name: 'c', env: deep }] } });
    assert.deepEqual(issues, []);
  });
  it('caps the issue list on huge arrays of bad values', () => {
    const containers = Array.from({ length: 5000 }, () => 'x');
    const { value, issues } = decodePod({ spec: { containers } });
    assert.equal(issues.length, MAX_DECODE_ISSUES + 1);
    assert.equal(formatIssue(issues[0]!), 'spec.containers[0]: expected object, got string');
    assert.equal(formatIssue(issues.at(-1)!), '4000 more issues not shown');
    assert.deepEqual(value.spec.containers, []);
  });
  it('decodes a large pod quickly', () => {
    const container = { name: 'c', image: 'i', ports: [{ containerPort: 80 }], securityContext: { privileged: false } };
    const raw = { spec: { containers: Array.from({ length: 100_000 }, () => container) } };
    const start = performance.now();
    const { value, issues } = decodePod(raw);
    const elapsed = performance.now() - start;
    assert.equal(issues.length, 0);
    assert.equal(value.spec.containers?.length, 100_000);
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
  });
  it('never throws, even on getters that throw', () => {
    const raw = {
      spec: {
        get containers(): never {
          throw new Error('boom');
        },
      },
    };
    assert.deepEqual(messages(raw), ['could not decode object: boom']);
  });
});

describe('decoded shapes', () => {
  it('a volume holds its name and every source key, in VOLUME_SOURCE_KEYS order (one shape for every volume)', () => {
    const { value } = decodePod({ spec: { volumes: [{ name: 'a', secret: {} }, {}] } });
    for (const volume of value.spec.volumes ?? [])
      assert.deepEqual(Object.keys(volume), ['name', ...VOLUME_SOURCE_KEYS]);
  });
  it('containers and security contexts have the same keys whatever is set', () => {
    const { value } = decodePod({
      spec: {
        containers: [{ name: 'a', securityContext: { privileged: true } }, { securityContext: { runAsUser: 1 } }],
      },
    });
    const [a, b] = value.spec.containers ?? [];
    assert.deepEqual(Object.keys(a ?? {}), Object.keys(b ?? {}));
    assert.deepEqual(Object.keys(a?.securityContext ?? {}), Object.keys(b?.securityContext ?? {}));
  });
});
