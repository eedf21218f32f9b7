import { runAsUser } from './run-as-user.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const rau = (name: string, value?: number) => ({
  name,
  securityContext: value === undefined ? {} : { runAsUser: value },
});

describeCheckCases(runAsUser, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  {
    name: 'unset and non-zero',
    spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: 'a' }, rau('b'), rau('c', 1)] },
    expect: 'allowed',
  },
  {
    name: 'pod 0 (spec example)',
    spec: { securityContext: { runAsUser: 0 } },
    expect: ['runAsUser=0', 'pod must not set runAsUser=0'],
  },
  {
    name: 'pod 0 fails even when containers override',
    spec: { securityContext: { runAsUser: 0 }, containers: [rau('a', 1000)] },
    expect: ['runAsUser=0', 'pod must not set runAsUser=0'],
  },
  {
    name: 'containers c and d (spec example)',
    spec: { securityContext: { runAsUser: 1000 }, containers: [rau('a'), rau('b', 1), rau('c', 0), rau('d', 0)] },
    expect: ['runAsUser=0', 'containers "c", "d" must not set runAsUser=0'],
  },
  {
    name: 'pod and container x (spec example)',
    spec: { securityContext: { runAsUser: 0 }, ephemeralContainers: [rau('x', 0)] },
    expect: ['runAsUser=0', 'pod and container "x" must not set runAsUser=0'],
  },
  {
    name: 'hostUsers false not exempt before v1.35',
    versions: [23, 34],
    spec: { hostUsers: false, securityContext: { runAsUser: 0 } },
    expect: ['runAsUser=0', 'pod must not set runAsUser=0'],
  },
  {
    name: 'hostUsers false exempt from v1.35',
    versions: [35, 37],
    spec: { hostUsers: false, securityContext: { runAsUser: 0 }, containers: [rau('a', 0)] },
    expect: 'allowed',
  },
]);
