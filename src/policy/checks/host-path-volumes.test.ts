import { hostPathVolumes } from './host-path-volumes.ts';
import { describeCheckCases } from '../testing/check-table.ts';

describeCheckCases(hostPathVolumes, [
  { name: 'no volumes', spec: {}, expect: 'allowed' },
  { name: 'empty volume list', spec: { volumes: [] }, expect: 'allowed' },
  {
    name: 'other sources',
    spec: {
      volumes: [
        { name: 'a', emptyDir: {} },
        { name: 'b', nfs: {} },
      ],
    },
    expect: 'allowed',
  },
  {
    name: 'two hostPath volumes (spec example)',
    spec: {
      volumes: [
        { name: 'a', hostPath: {} },
        { name: 'b', hostPath: { path: '/' } },
        { name: 'c', emptyDir: {} },
      ],
    },
    expect: ['hostPath volumes', 'volumes "a", "b"'],
  },
  {
    name: 'one volume (spec example)',
    spec: { volumes: [{ name: 'volume-hostpath', hostPath: { path: '/dev' } }] },
    expect: ['hostPath volumes', 'volume "volume-hostpath"'],
  },
  {
    name: 'null hostPath is unset',
    spec: { volumes: [{ name: 'a', hostPath: null as unknown as object }] },
    expect: 'allowed',
  },
  {
    name: 'spec order with duplicates, hostPath even alongside an allowed source',
    spec: {
      volumes: [
        { name: 'z', hostPath: {}, emptyDir: {} },
        { name: 'a', hostPath: {} },
        { name: 'z', hostPath: {} },
      ],
    },
    expect: ['hostPath volumes', 'volumes "z", "a", "z"'],
  },
]);
