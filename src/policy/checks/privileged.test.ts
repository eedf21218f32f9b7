import { privileged } from './privileged.ts';
import { describeCheckCases } from '../testing/check-table.ts';

describeCheckCases(privileged, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  {
    name: 'false and unset',
    spec: { containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: false } }] },
    expect: 'allowed',
  },
  {
    name: 'nil, {}, false, true, true (spec example)',
    spec: {
      containers: [
        { name: 'a' },
        { name: 'b', securityContext: {} },
        { name: 'c', securityContext: { privileged: false } },
        { name: 'd', securityContext: { privileged: true } },
        { name: 'e', securityContext: { privileged: true } },
      ],
    },
    expect: ['privileged', 'containers "d", "e" must not set securityContext.privileged=true'],
  },
  {
    name: 'init and ephemeral containers',
    spec: {
      initContainers: [{ name: 'i', securityContext: { privileged: true } }],
      ephemeralContainers: [{ name: 'dbg', securityContext: { privileged: true } }],
    },
    expect: ['privileged', 'containers "i", "dbg" must not set securityContext.privileged=true'],
  },
  {
    name: 'single container',
    spec: { containers: [{ name: 'x', securityContext: { privileged: true } }] },
    expect: ['privileged', 'container "x" must not set securityContext.privileged=true'],
  },
]);
