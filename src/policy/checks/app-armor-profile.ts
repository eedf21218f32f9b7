/**
 * appArmorProfile (baseline, since v1.0): AppArmor must not be turned off or set to an arbitrary profile. The
 * `appArmorProfile` field on the pod and on each container may only be `RuntimeDefault` or `Localhost`; every legacy
 * `container.apparmor.security.beta.kubernetes.io/*` annotation may only be empty, `runtime/default` or `localhost/*`.
 * One variant; unchanged since v1.0.
 */
import type { ObjectMeta, PodSpec, ProfileRef } from '../../k8s/pod.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import {
  containerName,
  containersPhrase,
  forEachContainer,
  goQuote,
  joinQuote,
  pluralize,
  sortStrings,
} from '../format.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { majorMinor } from '../../api/version.ts';
import { containerField } from './fields.ts';

/** The legacy per-container annotation prefix. @internal (exported for its test) */
export const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ANNOTATION_KEY = /^container\.apparmor\.security\.beta\.kubernetes\.io\//;

/**
 * `key.startsWith(ANNOTATION_PREFIX)`, as a compiled regular expression: V8 turns startsWith with a constant into a
 * character loop, about 150 ns for this 48-character prefix on every annotation of every pod, against 25 ns.
 * @internal (exported for its test)
 */
export function isAppArmorAnnotationKey(key: string): boolean {
  return ANNOTATION_KEY.test(key);
}

function isBadProfile(profile: ProfileRef | undefined): profile is ProfileRef {
  if (profile == null) return false;
  const type = profile.type;
  return type !== 'RuntimeDefault' && type !== 'Localhost';
}

function isBadAnnotationValue(value: string): boolean {
  return value !== '' && value !== 'runtime/default' && !value.startsWith('localhost/');
}

function hasBadAnnotation(annotations: Readonly<Record<string, string>> | undefined): boolean {
  if (annotations == null) return false;
  for (const key in annotations) {
    if (isAppArmorAnnotationKey(key) && isBadAnnotationValue(annotations[key] ?? '')) return true;
  }
  return false;
}

function evaluateAppArmor(metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  const podProfile = spec.securityContext?.appArmorProfile;
  const podBad = isBadProfile(podProfile);
  if (!podBad && (flags & ContainerFlag.badAppArmorProfile) === 0 && !hasBadAnnotation(metadata.annotations)) {
    return ALLOWED;
  }
  return describe(metadata, spec);
}

function describe(metadata: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const badTypes = new Set<string>();
  const podProfile = spec.securityContext?.appArmorProfile;
  if (isBadProfile(podProfile)) {
    setters.push('pod');
    badTypes.add(podProfile.type ?? '');
  }
  const names: string[] = [];
  forEachContainer(spec, (c) => {
    const profile = c.securityContext?.appArmorProfile;
    if (isBadProfile(profile)) {
      names.push(containerName(c));
      badTypes.add(profile.type ?? '');
    }
  });
  if (names.length > 0) setters.push(containersPhrase(names));
  const badAnnotations: string[] = [];
  const annotations = metadata.annotations;
  if (annotations != null) {
    for (const key in annotations) {
      const value = annotations[key] ?? '';
      if (isAppArmorAnnotationKey(key) && isBadAnnotationValue(value)) {
        badAnnotations.push(`${key}=${goQuote(value)}`);
      }
    }
  }
  if (badAnnotations.length > 0) setters.push(pluralize(badAnnotations.length, 'annotation', 'annotations'));
  if (setters.length === 0) return ALLOWED;
  const values = [...sortStrings(badTypes), ...sortStrings(badAnnotations)];
  return forbidden(
    pluralize(values.length, 'forbidden AppArmor profile', 'forbidden AppArmor profiles'),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`,
  );
}

export const appArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(0), evaluate: evaluateAppArmor }],
  description: {
    summary: 'AppArmor may only use the runtime default or a localhost profile (fields and legacy annotations).',
    fields: [
      'metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]',
      'spec.securityContext.appArmorProfile.type',
      containerField('securityContext.appArmorProfile.type'),
    ],
  },
};
