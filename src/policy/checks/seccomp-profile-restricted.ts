/**
 * seccompProfile_restricted (restricted): every container must run under a seccomp profile (`RuntimeDefault` or
 * `Localhost`), set on the container or inherited from the pod; `Unconfined` is forbidden. v1.19: every pod. v1.25:
 * Windows pods are exempt. Replaces seccompProfile_baseline at restricted while active.
 */
import type { ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, containersPhrase, forEachContainer, joinQuote, setterPhrase, sortStrings } from '../format.ts';
import { isWindowsPod } from '../pod-predicates.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';
import { isBadSeccompProfile } from './seccomp-profile-baseline.ts';

function evaluateV119(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  const podProfile = spec.securityContext?.seccompProfile;
  const podBad = isBadSeccompProfile(podProfile);
  const podCovers = podProfile != null && !podBad;
  const containersBad = podCovers
    ? ContainerFlag.badSeccompProfile
    : ContainerFlag.badSeccompProfile | ContainerFlag.unsetSeccompProfile;
  if (!podBad && (flags & containersBad) === 0) return ALLOWED;
  const types = new Set<string>();
  if (podBad) types.add(podProfile.type ?? '');
  const explicit: string[] = [];
  const implicit: string[] = [];
  forEachContainer(spec, (c) => {
    const profile = c.securityContext?.seccompProfile;
    if (profile == null) {
      if (!podCovers) implicit.push(containerName(c));
    } else if (isBadSeccompProfile(profile)) {
      explicit.push(containerName(c));
      types.add(profile.type ?? '');
    }
  });
  if (podBad || explicit.length > 0) {
    return forbidden(
      'seccompProfile',
      `${setterPhrase(podBad, explicit)} must not set securityContext.seccompProfile.type to ${joinQuote(sortStrings(types))}`,
    );
  }
  if (implicit.length > 0) {
    return forbidden(
      'seccompProfile',
      `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    );
  }
  return ALLOWED;
}

function evaluateV125(metadata: ObjectMeta, spec: PodSpec, flags?: number): CheckResult {
  if (isWindowsPod(spec)) return ALLOWED;
  return evaluateV119(metadata, spec, flags);
}

export const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(19), evaluate: evaluateV119, overrides: ['seccompProfile_baseline'] },
    { minimumVersion: majorMinor(25), evaluate: evaluateV125, overrides: ['seccompProfile_baseline'] },
  ],
  description: {
    summary:
      'Seccomp must be RuntimeDefault or Localhost on the pod or every container (Windows pods exempt from v1.25).',
    fields: [
      'spec.securityContext.seccompProfile.type',
      containerField('securityContext.seccompProfile.type'),
      'spec.os.name',
    ],
  },
};
