import { seccompProfileRestricted } from './seccomp-profile-restricted.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const sp = (name: string, type?: string) => ({
  name,
  securityContext: { seccompProfile: type === undefined ? {} : { type } },
});
const MUST_SET = 'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"';

describeCheckCases(seccompProfileRestricted, [
  { name: 'zero containers', spec: {}, expect: 'allowed' },
  {
    name: 'container a, nothing set (spec example)',
    spec: { containers: [{ name: 'a' }] },
    expect: ['seccompProfile', `pod or container "a" ${MUST_SET}`],
  },
  {
    name: 'pod Unconfined (spec example)',
    spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [{ name: 'a' }] },
    expect: ['seccompProfile', 'pod must not set securityContext.seccompProfile.type to "Unconfined"'],
  },
  {
    name: 'pod unset; a nil, b {}, d and e RuntimeDefault (spec example)',
    spec: {
      containers: [
        { name: 'a' },
        { name: 'b', securityContext: {} },
        sp('d', 'RuntimeDefault'),
        sp('e', 'RuntimeDefault'),
      ],
    },
    expect: ['seccompProfile', `pod or containers "a", "b" ${MUST_SET}`],
  },
  {
    name: 'pod RuntimeDefault covers containers',
    spec: {
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'a' }, sp('b', 'Localhost')],
    },
    expect: 'allowed',
  },
  {
    name: 'explicit container bad beats implicit; empty type is bad',
    spec: { initContainers: [sp('i')], containers: [{ name: 'a' }, sp('c', 'Unconfined')] },
    expect: [
      'seccompProfile',
      'containers "i", "c" must not set securityContext.seccompProfile.type to "", "Unconfined"',
    ],
  },
  {
    name: 'pod covers but a container overrides badly',
    spec: {
      securityContext: { seccompProfile: { type: 'Localhost' } },
      ephemeralContainers: [sp('dbg', 'Unconfined')],
    },
    expect: ['seccompProfile', 'container "dbg" must not set securityContext.seccompProfile.type to "Unconfined"'],
  },
  {
    name: 'pod and containers bad',
    spec: {
      securityContext: { seccompProfile: { type: 'Unconfined' } },
      containers: [sp('c', 'Unconfined'), sp('d', 'x')],
    },
    expect: [
      'seccompProfile',
      'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined", "x"',
    ],
  },
  {
    name: 'annotations are ignored',
    metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } },
    spec: { containers: [{ name: 'a' }] },
    expect: ['seccompProfile', `pod or container "a" ${MUST_SET}`],
  },
  {
    name: 'Windows not exempt before v1.25',
    versions: [19, 24],
    spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
    expect: ['seccompProfile', `pod or container "a" ${MUST_SET}`],
  },
  {
    name: 'Windows exempt from v1.25',
    versions: [25, 37],
    spec: { os: { name: 'windows' }, containers: [sp('a', 'Unconfined')] },
    expect: 'allowed',
  },
]);
