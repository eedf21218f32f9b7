import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES, restrictedVolumes } from './restricted-volumes.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const allowedSources = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];
const restrictedSources = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

describeCheckCases(restrictedVolumes, [
  { name: 'no volumes', spec: {}, expect: 'allowed' },
  {
    name: 'every allowed source',
    spec: { volumes: allowedSources.map((s) => ({ name: s, [s]: {} })) },
    expect: 'allowed',
  },
  ...restrictedSources.map(
    (s) =>
      ({
        name: `${s} is restricted`,
        spec: { volumes: [{ name: 'v', [s]: {} }] },
        expect: ['restricted volume types', `volume "v" uses restricted volume type "${s}"`],
      }) as const,
  ),
  {
    name: 'hostPath (spec example)',
    spec: { volumes: [{ name: 'host', hostPath: {} }] },
    expect: ['restricted volume types', 'volume "host" uses restricted volume type "hostPath"'],
  },
  {
    name: 'hostPath and nfs (spec example)',
    spec: {
      volumes: [
        { name: 'ok', secret: {} },
        { name: 'host', hostPath: {} },
        { name: 'nfs', nfs: {} },
      ],
    },
    expect: ['restricted volume types', 'volumes "host", "nfs" use restricted volume types "hostPath", "nfs"'],
  },
  {
    name: 'no source at all is unknown (spec example)',
    spec: { volumes: [{ name: 'v' }] },
    expect: ['restricted volume types', 'volume "v" uses restricted volume type "unknown"'],
  },
  {
    name: 'null sources are unset; unknown keys are ignored',
    spec: { volumes: [{ name: 'v', emptyDir: null, hostPath: null as unknown as object, somethingNew: {} }] },
    expect: ['restricted volume types', 'volume "v" uses restricted volume type "unknown"'],
  },
  {
    name: 'an allowed source wins over a restricted one',
    spec: { volumes: [{ name: 'v', hostPath: {}, emptyDir: {} }] },
    expect: 'allowed',
  },
  {
    name: 'label is the first restricted source by priority',
    spec: { volumes: [{ name: 'v', storageos: {}, nfs: {}, gitRepo: {} }] },
    expect: ['restricted volume types', 'volume "v" uses restricted volume type "gitRepo"'],
  },
  {
    name: 'names in spec order with duplicates; labels de-duplicated and sorted',
    spec: {
      volumes: [
        { name: 'b', nfs: {} },
        { name: 'a', hostPath: {} },
        { name: 'b', nfs: {} },
      ],
    },
    expect: ['restricted volume types', 'volumes "b", "a", "b" use restricted volume types "hostPath", "nfs"'],
  },
  {
    name: 'several volumes, one type',
    spec: {
      volumes: [
        { name: 'x', nfs: {} },
        { name: 'y', nfs: {} },
      ],
    },
    expect: ['restricted volume types', 'volumes "x", "y" use restricted volume type "nfs"'],
  },
]);

it('the exported source lists match the spec', () => {
  assert.deepEqual([...ALLOWED_VOLUME_SOURCES], allowedSources);
  assert.deepEqual([...RESTRICTED_VOLUME_SOURCES], restrictedSources);
});
