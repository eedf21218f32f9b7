import { runAsNonRoot } from './run-as-non-root.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const rnr = (name: string, value?: boolean) => ({
  name,
  securityContext: value === undefined ? {} : { runAsNonRoot: value },
});

describeCheckCases(runAsNonRoot, [
  { name: 'zero containers', spec: {}, expect: 'allowed' },
  {
    name: 'zero containers, pod unset but false is still bad',
    spec: { securityContext: { runAsNonRoot: false } },
    expect: ['runAsNonRoot != true', 'pod must not set securityContext.runAsNonRoot=false'],
  },
  {
    name: 'single container, nothing set (spec example)',
    spec: { containers: [{ name: 'a' }] },
    expect: ['runAsNonRoot != true', 'pod or container "a" must set securityContext.runAsNonRoot=true'],
  },
  {
    name: 'pod false (spec example)',
    spec: { securityContext: { runAsNonRoot: false }, containers: [rnr('a', true)] },
    expect: ['runAsNonRoot != true', 'pod must not set securityContext.runAsNonRoot=false'],
  },
  {
    name: 'pod true, c and d false (spec example)',
    spec: {
      securityContext: { runAsNonRoot: true },
      containers: [{ name: 'a' }, rnr('b'), rnr('c', false), rnr('d', false), rnr('e', true)],
    },
    expect: ['runAsNonRoot != true', 'containers "c", "d" must not set securityContext.runAsNonRoot=false'],
  },
  {
    name: 'pod unset; a nil, b {}, d and e true (spec example)',
    spec: { containers: [{ name: 'a' }, rnr('b'), rnr('d', true), rnr('e', true)] },
    expect: ['runAsNonRoot != true', 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true'],
  },
  {
    name: 'pod true covers unset containers',
    spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }, rnr('b')] },
    expect: 'allowed',
  },
  {
    name: 'explicit beats implicit; pod false and container false',
    spec: { securityContext: { runAsNonRoot: false }, initContainers: [rnr('i', false)], containers: [{ name: 'a' }] },
    expect: ['runAsNonRoot != true', 'pod and container "i" must not set securityContext.runAsNonRoot=false'],
  },
  {
    name: 'ephemeral container counts',
    spec: { containers: [rnr('a', true)], ephemeralContainers: [{ name: 'dbg' }] },
    expect: ['runAsNonRoot != true', 'pod or container "dbg" must set securityContext.runAsNonRoot=true'],
  },
  {
    name: 'Windows is not exempt',
    versions: [35, 37],
    spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
    expect: ['runAsNonRoot != true', 'pod or container "a" must set securityContext.runAsNonRoot=true'],
  },
  {
    name: 'hostUsers false not exempt before v1.35',
    versions: [0, 34],
    spec: { hostUsers: false, containers: [{ name: 'a' }] },
    expect: ['runAsNonRoot != true', 'pod or container "a" must set securityContext.runAsNonRoot=true'],
  },
  {
    name: 'hostUsers false exempt from v1.35',
    versions: [35, 37],
    spec: { hostUsers: false, securityContext: { runAsNonRoot: false }, containers: [{ name: 'a' }] },
    expect: 'allowed',
  },
  {
    name: 'hostUsers true not exempt',
    versions: [35],
    spec: { hostUsers: true, containers: [{ name: 'a' }] },
    expect: ['runAsNonRoot != true', 'pod or container "a" must set securityContext.runAsNonRoot=true'],
  },
]);
