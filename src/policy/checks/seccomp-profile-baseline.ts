/**
 * seccompProfile_baseline (baseline): seccomp must not be explicitly disabled.
 * v1.0 (to v1.18): only the legacy annotations count; the pod annotation and the annotation of each existing
 * container must be `runtime/default`, `docker/default` or `localhost/*` (empty is forbidden).
 * v1.19: only the `seccompProfile` fields count; a set profile must be `RuntimeDefault` or `Localhost`.
 * At restricted it is replaced from v1.19 on by seccompProfile_restricted.
 */
import type { ObjectMeta, PodSpec, ProfileRef } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import {
  containerName,
  forEachContainer,
  goQuote,
  joinQuote,
  pluralize,
  setterPhrase,
  sortStrings,
} from '../format.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function isAllowedAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

function annotationValue(annotations: Readonly<Record<string, string>>, key: string): string | undefined {
  if (!Object.hasOwn(annotations, key)) return undefined;
  const value = annotations[key];
  return typeof value === 'string' ? value : undefined;
}

function evaluateAnnotations(metadata: ObjectMeta, spec: PodSpec): CheckResult {
  const annotations = metadata.annotations;
  if (annotations == null) return ALLOWED;
  let bad: Set<string> | undefined;
  const podValue = annotationValue(annotations, POD_ANNOTATION);
  if (podValue !== undefined && !isAllowedAnnotationValue(podValue)) {
    (bad ??= new Set()).add(`${POD_ANNOTATION}=${goQuote(podValue)}`);
  }
  forEachContainer(spec, (c) => {
    const key = CONTAINER_ANNOTATION_PREFIX + containerName(c);
    const value = annotationValue(annotations, key);
    if (value !== undefined && !isAllowedAnnotationValue(value)) (bad ??= new Set()).add(`${key}=${goQuote(value)}`);
  });
  if (bad === undefined) return ALLOWED;
  return forbidden(
    'seccompProfile',
    `forbidden ${pluralize(bad.size, 'annotation', 'annotations')} ${sortStrings(bad).join(', ')}`,
  );
}

/** A set profile whose type is neither `RuntimeDefault` nor `Localhost` (an empty type included). */
export function isBadSeccompProfile(profile: ProfileRef | undefined): profile is ProfileRef {
  if (profile == null) return false;
  const type = profile.type;
  return type !== 'RuntimeDefault' && type !== 'Localhost';
}

function evaluateFields(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  const podProfile = spec.securityContext?.seccompProfile;
  const podBad = isBadSeccompProfile(podProfile);
  if (!podBad && (flags & ContainerFlag.badSeccompProfile) === 0) return ALLOWED;
  const types = new Set<string>();
  if (podBad) types.add(podProfile.type ?? '');
  const names: string[] = [];
  forEachContainer(spec, (c) => {
    const profile = c.securityContext?.seccompProfile;
    if (!isBadSeccompProfile(profile)) return;
    names.push(containerName(c));
    types.add(profile.type ?? '');
  });
  return forbidden(
    'seccompProfile',
    `${setterPhrase(podBad, names)} must not set securityContext.seccompProfile.type to ${joinQuote(sortStrings(types))}`,
  );
}

export const seccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(0), evaluate: evaluateAnnotations },
    { minimumVersion: majorMinor(19), evaluate: evaluateFields },
  ],
  description: {
    summary: 'Seccomp must not be set to Unconfined (annotations before v1.19, fields from v1.19).',
    fields: [
      'metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]',
      'metadata.annotations["container.seccomp.security.alpha.kubernetes.io/<container>"]',
      'spec.securityContext.seccompProfile.type',
      containerField('securityContext.seccompProfile.type'),
    ],
  },
};
