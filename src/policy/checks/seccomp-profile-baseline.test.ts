import { seccompProfileBaseline } from './seccomp-profile-baseline.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const POD = 'seccomp.security.alpha.kubernetes.io/pod';
const C = 'container.seccomp.security.alpha.kubernetes.io/';
const sp = (name: string, type?: string) => ({
  name,
  securityContext: { seccompProfile: type === undefined ? {} : { type } },
});
const ANNOTATIONS = [0, 18];
const FIELDS = [19, 37];

describeCheckCases(seccompProfileBaseline, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  // v1.0 variant: annotations only.
  {
    name: 'pod annotation unconfined (spec example)',
    versions: ANNOTATIONS,
    metadata: { annotations: { [POD]: 'unconfined' } },
    spec: {},
    expect: ['seccompProfile', 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"'],
  },
  {
    name: 'pod and two containers (spec example)',
    versions: ANNOTATIONS,
    metadata: { annotations: { [POD]: 'unconfined', [`${C}a`]: 'unconfined', [`${C}b`]: 'unknown' } },
    spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    expect: [
      'seccompProfile',
      'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown", seccomp.security.alpha.kubernetes.io/pod="unconfined"',
    ],
  },
  {
    name: 'allowed annotation values',
    versions: ANNOTATIONS,
    metadata: {
      annotations: {
        [POD]: 'runtime/default',
        [`${C}a`]: 'docker/default',
        [`${C}b`]: 'localhost/x',
        [`${C}c`]: 'localhost/',
      },
    },
    spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] },
    expect: 'allowed',
  },
  {
    name: 'empty value is forbidden',
    versions: ANNOTATIONS,
    metadata: { annotations: { [POD]: '' } },
    spec: {},
    expect: ['seccompProfile', 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod=""'],
  },
  {
    name: 'annotation of a missing container is ignored; init and ephemeral looked up; duplicates merged',
    versions: ANNOTATIONS,
    metadata: { annotations: { [`${C}ghost`]: 'unconfined', [`${C}i`]: 'x\ny', [`${C}e`]: 'unconfined' } },
    spec: { initContainers: [{ name: 'i' }], ephemeralContainers: [{ name: 'e' }, { name: 'e' }] },
    expect: [
      'seccompProfile',
      'forbidden annotations container.seccomp.security.alpha.kubernetes.io/e="unconfined", container.seccomp.security.alpha.kubernetes.io/i="x\\ny"',
    ],
  },
  {
    name: 'fields are ignored before v1.19',
    versions: ANNOTATIONS,
    spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [sp('a', 'Unconfined')] },
    expect: 'allowed',
  },
  // v1.19 variant: fields only.
  {
    name: 'annotations are ignored from v1.19',
    versions: FIELDS,
    metadata: { annotations: { [POD]: 'unconfined' } },
    spec: {},
    expect: 'allowed',
  },
  {
    name: 'pod Unconfined (spec example)',
    versions: FIELDS,
    spec: { securityContext: { seccompProfile: { type: 'Unconfined' } } },
    expect: ['seccompProfile', 'pod must not set securityContext.seccompProfile.type to "Unconfined"'],
  },
  {
    name: 'containers c and d (spec example)',
    versions: FIELDS,
    spec: {
      containers: [
        { name: 'a' },
        sp('b', 'RuntimeDefault'),
        sp('c', 'Unconfined'),
        sp('d', 'Unconfined'),
        sp('e', 'Localhost'),
      ],
    },
    expect: ['seccompProfile', 'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"'],
  },
  {
    name: 'pod and containers (spec example)',
    versions: FIELDS,
    spec: {
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [sp('c', 'Unconfined'), sp('d', 'Unconfined')],
    },
    expect: [
      'seccompProfile',
      'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    ],
  },
  {
    name: 'empty type is bad; types sorted',
    versions: FIELDS,
    spec: { initContainers: [sp('i')], containers: [sp('c', 'Unconfined')] },
    expect: [
      'seccompProfile',
      'containers "i", "c" must not set securityContext.seccompProfile.type to "", "Unconfined"',
    ],
  },
]);
