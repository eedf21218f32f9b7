import { hostNamespaces } from './host-namespaces.ts';
import { describeCheckCases } from '../testing/check-table.ts';

describeCheckCases(hostNamespaces, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  { name: 'all false', spec: { hostNetwork: false, hostPID: false, hostIPC: false }, expect: 'allowed' },
  {
    name: 'all three true (spec example)',
    spec: { hostNetwork: true, hostPID: true, hostIPC: true },
    expect: ['host namespaces', 'hostNetwork=true, hostPID=true, hostIPC=true'],
  },
  { name: 'only hostIPC (spec example)', spec: { hostIPC: true }, expect: ['host namespaces', 'hostIPC=true'] },
  {
    name: 'only hostNetwork',
    spec: { hostNetwork: true, hostPID: false },
    expect: ['host namespaces', 'hostNetwork=true'],
  },
  {
    name: 'hostPID and hostIPC',
    spec: { hostIPC: true, hostPID: true },
    expect: ['host namespaces', 'hostPID=true, hostIPC=true'],
  },
]);
