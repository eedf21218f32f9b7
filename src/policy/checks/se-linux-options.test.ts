import { seLinuxOptions } from './se-linux-options.ts';
import { describeCheckCases } from '../testing/check-table.ts';
import type { SELinuxOptions } from '../../k8s/pod.ts';

const se = (name: string, options: SELinuxOptions) => ({ name, securityContext: { seLinuxOptions: options } });

describeCheckCases(seLinuxOptions, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  {
    name: 'allowed types, empty options, level ignored',
    spec: {
      securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } },
      containers: [
        se('a', {}),
        se('b', { type: 'container_init_t' }),
        se('c', { type: 'container_kvm_t', user: '', role: '' }),
        { name: 'd' },
      ],
    },
    expect: 'allowed',
  },
  {
    name: 'pod and three containers (spec example)',
    spec: {
      securityContext: { seLinuxOptions: { type: 'foo', user: 'bar', role: 'baz' } },
      containers: [
        se('a', {}),
        se('b', { type: 'container_t' }),
        se('e', { type: 'bar' }),
        se('f', { user: 'bar' }),
        se('g', { role: 'baz' }),
      ],
    },
    expect: [
      'seLinuxOptions',
      'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set',
    ],
  },
  {
    name: 'pod bad type (spec example)',
    spec: { securityContext: { seLinuxOptions: { type: 'bad' } } },
    expect: ['seLinuxOptions', 'pod set forbidden securityContext.seLinuxOptions: type "bad"'],
  },
  {
    name: 'pod user (spec example)',
    spec: { securityContext: { seLinuxOptions: { user: 'bad' } } },
    expect: ['seLinuxOptions', 'pod set forbidden securityContext.seLinuxOptions: user may not be set'],
  },
  {
    name: 'container role only',
    spec: { initContainers: [se('i', { role: 'r' })] },
    expect: ['seLinuxOptions', 'container "i" set forbidden securityContext.seLinuxOptions: role may not be set'],
  },
  {
    name: 'duplicate bad types de-duplicated; duplicate names kept',
    spec: { containers: [se('x', { type: 't' })], ephemeralContainers: [se('x', { type: 't', user: 'u' })] },
    expect: [
      'seLinuxOptions',
      'containers "x", "x" set forbidden securityContext.seLinuxOptions: type "t"; user may not be set',
    ],
  },
  {
    name: 'container_engine_t forbidden before v1.31',
    versions: [0, 30],
    spec: { containers: [se('a', { type: 'container_engine_t' })] },
    expect: ['seLinuxOptions', 'container "a" set forbidden securityContext.seLinuxOptions: type "container_engine_t"'],
  },
  {
    name: 'container_engine_t allowed from v1.31',
    versions: [31, 37],
    spec: {
      securityContext: { seLinuxOptions: { type: 'container_engine_t' } },
      containers: [se('a', { type: 'container_engine_t' })],
    },
    expect: 'allowed',
  },
]);
