import { hostPorts } from './host-ports.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const ports = (name: string, hostPorts: (number | undefined)[]) => ({
  name,
  ports: hostPorts.map((hostPort) =>
    hostPort === undefined ? { containerPort: 80 } : { containerPort: 80, hostPort },
  ),
});

describeCheckCases(hostPorts, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  {
    name: 'zero and unset host ports',
    spec: { containers: [ports('a', [0, undefined]), { name: 'b', ports: [] }] },
    expect: 'allowed',
  },
  {
    name: 'ports [0, 20] (spec example)',
    spec: { containers: [ports('a', [0]), ports('b', [0, 20])] },
    expect: ['hostPort', 'container "b" uses hostPort 20'],
  },
  {
    name: 'two containers, shared port de-duplicated (spec example)',
    spec: { containers: [ports('a', [0]), ports('b', [10, 20]), ports('c', [10, 30])] },
    expect: ['hostPort', 'containers "b", "c" use hostPorts 10, 20, 30'],
  },
  {
    name: 'ports sorted as strings (spec example)',
    spec: { containers: [ports('app', [8080, 10443])] },
    expect: ['hostPort', 'container "app" uses hostPorts 10443, 8080'],
  },
  {
    name: 'negative port, init and ephemeral containers, duplicate names',
    spec: { initContainers: [ports('x', [-1])], containers: [ports('x', [5])], ephemeralContainers: [ports('e', [5])] },
    expect: ['hostPort', 'containers "x", "x", "e" use hostPorts -1, 5'],
  },
  {
    name: 'one container with the same port twice',
    spec: { containers: [ports('a', [9, 9])] },
    expect: ['hostPort', 'container "a" uses hostPort 9'],
  },
]);
