import { procMount } from './proc-mount.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const pm = (name: string, value?: string) => ({
  name,
  securityContext: value === undefined ? {} : { procMount: value },
});
const exampleContainers = [pm('a'), { name: 'b' }, pm('c', 'Default'), pm('d', 'Unmasked'), pm('e', 'other')];

describeCheckCases(procMount, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  { name: 'unset and Default', spec: { containers: [pm('a'), pm('b', 'Default'), { name: 'c' }] }, expect: 'allowed' },
  {
    name: 'Unmasked and other (spec example)',
    spec: { containers: exampleContainers },
    expect: ['procMount', 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"'],
  },
  {
    name: 'empty string is bad; values de-duplicated',
    spec: {
      initContainers: [pm('i', '')],
      containers: [pm('x', 'Unmasked')],
      ephemeralContainers: [pm('x', 'Unmasked')],
    },
    expect: ['procMount', 'containers "i", "x", "x" must not set securityContext.procMount to "", "Unmasked"'],
  },
  {
    name: 'case-sensitive Default',
    spec: { containers: [pm('a', 'default')] },
    expect: ['procMount', 'container "a" must not set securityContext.procMount to "default"'],
  },
  {
    name: 'hostUsers false is ignored before v1.35',
    versions: [0, 34],
    spec: { hostUsers: false, containers: exampleContainers },
    expect: ['procMount', 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"'],
  },
  {
    name: 'hostUsers false exempts from v1.35 (spec example)',
    versions: [35, 37],
    spec: { hostUsers: false, containers: exampleContainers },
    expect: 'allowed',
  },
  {
    name: 'hostUsers true does not exempt at v1.35',
    versions: [35],
    spec: { hostUsers: true, containers: [pm('a', 'Unmasked')] },
    expect: ['procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
  },
  {
    name: 'hostUsers unset does not exempt at v1.35',
    versions: [35],
    spec: { containers: [pm('a', 'Unmasked')] },
    expect: ['procMount', 'container "a" must not set securityContext.procMount to "Unmasked"'],
  },
]);
