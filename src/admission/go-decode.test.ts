import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDecodeError, goDecodeErrorFromText, goRootType } from './go-decode.ts';

// Expected texts recorded from upstream (the Go oracle's admission mode) for the same objects decoded as v1 Pods.
const CASES: readonly (readonly [string, unknown, string | undefined])[] = [
  [
    'restartPolicy',
    { spec: { restartPolicy: 5 } },
    'json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy',
  ],
  [
    'creationTimestamp',
    { metadata: { creationTimestamp: 'yesterday' } },
    'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
  ],
  [
    'month',
    { metadata: { creationTimestamp: '2024-13-01T00:00:00Z' } },
    'parsing time "2024-13-01T00:00:00Z": month out of range',
  ],
  [
    'day',
    { metadata: { creationTimestamp: '2024-02-30T00:00:00Z' } },
    'parsing time "2024-02-30T00:00:00Z": day out of range',
  ],
  [
    'extra',
    { metadata: { creationTimestamp: '2024-01-01T00:00:00Zjunk' } },
    'parsing time "2024-01-01T00:00:00Zjunk": extra text: "junk"',
  ],
  [
    'tz',
    { metadata: { creationTimestamp: '2024-01-01T00:00:00' } },
    'parsing time "2024-01-01T00:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00"',
  ],
  ['frac', { metadata: { creationTimestamp: '2024-01-01T00:00:00.123+01:00' } }, undefined],
  // The time package quotes with its own rules: every UTF-8 byte of a non-ASCII or control character as \xNN, `"` and
  // `\` escaped, DEL kept; a lone surrogate was U+FFFD in Go's string.
  [
    'time non-ASCII',
    { metadata: { creationTimestamp: 'é💥' } },
    'parsing time "\\xc3\\xa9\\xf0\\x9f\\x92\\xa5" as "2006-01-02T15:04:05Z07:00": cannot parse "\\xc3\\xa9\\xf0\\x9f\\x92\\xa5" as "2006"',
  ],
  [
    'time quotes',
    { metadata: { creationTimestamp: 'a"b\\' } },
    'parsing time "a\\"b\\\\" as "2006-01-02T15:04:05Z07:00": cannot parse "a\\"b\\\\" as "2006"',
  ],
  [
    'time controls',
    { metadata: { creationTimestamp: '\t\u007f' } },
    'parsing time "\\x09\u007f" as "2006-01-02T15:04:05Z07:00": cannot parse "\\x09\u007f" as "2006"',
  ],
  [
    'time lone surrogate',
    { metadata: { creationTimestamp: '\ud800x' } },
    'parsing time "\\xef\\xbf\\xbdx" as "2006-01-02T15:04:05Z07:00": cannot parse "\\xef\\xbf\\xbdx" as "2006"',
  ],
  [
    'ts-number',
    { metadata: { creationTimestamp: 5 } },
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
  ],
  [
    'quantity',
    { spec: { containers: [{ name: 'c', resources: { limits: { cpu: 'lots' } } }] } },
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ],
  [
    'quantity-suffix',
    { spec: { containers: [{ name: 'c', resources: { requests: { memory: '1Zi' } } }] } },
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  ],
  [
    'quantity-ok',
    { spec: { containers: [{ name: 'c', resources: { requests: { memory: '1.5Gi', cpu: 0.5 } } }] } },
    undefined,
  ],
  [
    'intorstring',
    { spec: { containers: [{ name: 'c', livenessProbe: { httpGet: { port: true } } }] } },
    'json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.livenessProbe.ProbeHandler.httpGet.port of type int32',
  ],
  [
    'intorstring-frac',
    { spec: { containers: [{ name: 'c', livenessProbe: { httpGet: { port: 1.5 } } }] } },
    'json: cannot unmarshal number 1.5 into Go struct field HTTPGetAction.spec.containers.livenessProbe.ProbeHandler.httpGet.port of type int32',
  ],
  [
    'int-range',
    { spec: { containers: [{ name: 'c', ports: [{ containerPort: 2147483648 }] }] } },
    'json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
  ],
  [
    'first-wins',
    { spec: { hostPID: 'x', restartPolicy: 5 } },
    'json: cannot unmarshal string into Go struct field PodSpec.spec.hostPID of type bool',
  ],
  [
    'fatal-wins',
    { metadata: { labels: { a: 1 }, creationTimestamp: 'bad' } },
    'parsing time "bad" as "2006-01-02T15:04:05Z07:00": cannot parse "bad" as "2006"',
  ],
  [
    'status',
    { status: { phase: 5 } },
    'json: cannot unmarshal number into Go struct field PodStatus.status.phase of type v1.PodPhase',
  ],
  [
    'env-object',
    { spec: { containers: [{ name: 'c', env: { A: 'b' } }] } },
    'json: cannot unmarshal object into Go struct field Container.spec.containers.env of type []v1.EnvVar',
  ],
];

describe('goDecodeError (v1 Pod)', () => {
  const pod = goRootType('', 'v1', 'Pod');
  it('knows the root types', () => {
    assert.notEqual(pod, undefined);
    for (const [group, kind] of [
      ['', 'Namespace'],
      ['', 'PodTemplate'],
      ['', 'ReplicationController'],
      ['apps', 'Deployment'],
      ['apps', 'DaemonSet'],
      ['apps', 'StatefulSet'],
      ['apps', 'ReplicaSet'],
      ['batch', 'Job'],
      ['batch', 'CronJob'],
    ] as const) {
      assert.notEqual(goRootType(group, 'v1', kind), undefined, kind);
    }
    assert.equal(goRootType('', 'v1', 'ConfigMap'), undefined);
  });
  for (const [name, object, expected] of CASES) {
    it(name, () => assert.equal(goDecodeError(object, pod!), expected));
  }
  it('accepts null anywhere and ignores unknown or differently cased fields', () => {
    assert.equal(
      goDecodeError({ metadata: null, spec: { containers: [null], HostPID: 'x', unknown: 1 } }, pod!),
      undefined,
    );
  });
});

describe('goDecodeErrorFromText: number literals as Go reads them', () => {
  const pod = goRootType('', 'v1', 'Pod')!;
  const cases: readonly (readonly [string, string, string | undefined])[] = [
    [
      'runAsUser-1.0',
      '{"metadata":{"name":"x"},"spec":{"securityContext":{"runAsUser":0.0},"containers":[{"name":"c"}]}}',
      'json: cannot unmarshal number 0.0 into Go struct field PodSecurityContext.spec.securityContext.runAsUser of type int64',
    ],
    [
      'runAsUser-1e3',
      '{"metadata":{"name":"x"},"spec":{"securityContext":{"runAsUser":1e3}}}',
      'json: cannot unmarshal number 1e3 into Go struct field PodSecurityContext.spec.securityContext.runAsUser of type int64',
    ],
    [
      'hostPort-80.0',
      '{"metadata":{"name":"x"},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"hostPort":80.0}]}]}}',
      'json: cannot unmarshal number 80.0 into Go struct field ContainerPort.spec.containers.ports.hostPort of type int32',
    ],
    [
      'cpu-1e3',
      '{"metadata":{"name":"x"},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":1e3,"memory":0.5}}}]}}',
      undefined,
    ],
    [
      'label-1.0',
      '{"metadata":{"name":"x","labels":{"a":1.0}}}',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      'bigint',
      '{"metadata":{"name":"x"},"spec":{"securityContext":{"runAsUser":12345678901234567890}}}',
      'json: cannot unmarshal number 12345678901234567890 into Go struct field PodSecurityContext.spec.securityContext.runAsUser of type int64',
    ],
    ['bigint-ok', '{"metadata":{"name":"x"},"spec":{"securityContext":{"runAsUser":1234567890123456789}}}', undefined],
    [
      'port-intorstr',
      '{"metadata":{"name":"x"},"spec":{"containers":[{"name":"c","livenessProbe":{"httpGet":{"port":8080.0}}}]}}',
      'json: cannot unmarshal number 8080.0 into Go struct field HTTPGetAction.spec.containers.livenessProbe.ProbeHandler.httpGet.port of type int32',
    ],
    [
      'string-with-dots',
      '{"metadata":{"name":"x.1e5","annotations":{"a":"1.0 2e3"}},"spec":{"containers":[{"name":"c","image":"nginx:1.27"}]}}',
      undefined,
    ],
    [
      'neg-exp',
      '{"metadata":{"name":"x"},"spec":{"terminationGracePeriodSeconds":-1E+2}}',
      'json: cannot unmarshal number -1E+2 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    ],
    [
      'ts-float',
      '{"metadata":{"name":"x","creationTimestamp":1.5}}',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string',
    ],
    [
      'proto',
      '{"metadata":{"name":"x","labels":{"__proto__":"y","b":1.5}}}',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    ],
    [
      'spaced-member',
      '{"metadata":{"name":"x"},"spec":{"securityContext":{"runAsUser" :\n\t 0.0}}}',
      'json: cannot unmarshal number 0.0 into Go struct field PodSecurityContext.spec.securityContext.runAsUser of type int64',
    ],
    [
      'array-element',
      '{"metadata":{"name":"x","finalizers":[ 1.5 ]}}',
      'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type string',
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.equal(goDecodeErrorFromText(text, JSON.parse(text), pod), expected));
  }
});
