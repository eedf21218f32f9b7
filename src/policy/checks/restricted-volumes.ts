/**
 * restrictedVolumes (restricted, since v1.0): volumes may only use the ephemeral and projected sources (configMap,
 * csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret). One variant; replaces
 * hostPathVolumes at restricted.
 */
import type { ObjectMeta, PodSpec, Volume } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { joinQuote, pluralize, sortStrings } from '../format.ts';
import type { Check, CheckResult } from '../types.ts';

/** The volume sources restricted pods may use. */
export const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

/** The label of a forbidden volume is the first of these that is set (priority order). */
export const RESTRICTED_VOLUME_SOURCES = [
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
] as const;

// Unrolled over ALLOWED_SOURCES (a test keeps the two in step): constant keys give V8 fast named loads, where a loop
// over the key list would make every load a megamorphic keyed one.
function isAllowedVolume(volume: Volume): boolean {
  return (
    isPresent(volume['configMap']) ||
    isPresent(volume['csi']) ||
    isPresent(volume['downwardAPI']) ||
    isPresent(volume['emptyDir']) ||
    isPresent(volume['ephemeral']) ||
    isPresent(volume['image']) ||
    isPresent(volume['persistentVolumeClaim']) ||
    isPresent(volume['projected']) ||
    isPresent(volume['secret'])
  );
}

function isPresent(source: unknown): boolean {
  return source !== undefined && source !== null;
}

function restrictedType(volume: Volume): string {
  for (const key of RESTRICTED_VOLUME_SOURCES) if (isPresent(volume[key])) return key;
  return 'unknown';
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec): CheckResult {
  const volumes = spec.volumes;
  if (volumes == null) return ALLOWED;
  let names: string[] | undefined;
  let types: Set<string> | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i]!;
    if (isAllowedVolume(volume)) continue;
    (names ??= []).push(volume.name ?? '');
    (types ??= new Set()).add(restrictedType(volume));
  }
  if (names === undefined || types === undefined) return ALLOWED;
  return forbidden(
    'restricted volume types',
    `${pluralize(names.length, 'volume', 'volumes')} ${joinQuote(names)} ${pluralize(names.length, 'uses', 'use')} ${pluralize(types.size, 'restricted volume type', 'restricted volume types')} ${joinQuote(sortStrings(types))}`,
  );
}

export const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minimumVersion: majorMinor(0), evaluate, overrides: ['hostPathVolumes'] }],
  description: {
    summary: 'Volumes may only be configMap, csi, downwardAPI, emptyDir, ephemeral, image, PVC, projected or secret.',
    fields: ['spec.volumes[*].<source>'],
  },
};
