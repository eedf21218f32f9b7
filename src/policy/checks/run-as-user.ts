/**
 * runAsUser (restricted): neither the pod nor any container may explicitly run as UID 0. A pod-level 0 fails even
 * when every container overrides it. v1.23: every pod (absent below). v1.35: user-namespace pods are exempt.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerNamesWhere, setterPhrase } from '../format.ts';
import { isUserNamespacePod } from '../pod-predicates.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function runsAsRoot(container: Container): boolean {
  return container.securityContext?.runAsUser === 0;
}

function evaluateV123(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  const podBad = spec.securityContext?.runAsUser === 0;
  if (!podBad && (flags & ContainerFlag.runAsUserZero) === 0) return ALLOWED;
  return forbidden(
    'runAsUser=0',
    `${setterPhrase(podBad, containerNamesWhere(spec, runsAsRoot))} must not set runAsUser=0`,
  );
}

function evaluateV135(metadata: ObjectMeta, spec: PodSpec, flags?: number): CheckResult {
  if (isUserNamespacePod(spec)) return ALLOWED;
  return evaluateV123(metadata, spec, flags);
}

export const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(23), evaluate: evaluateV123 },
    { minimumVersion: majorMinor(35), evaluate: evaluateV135 },
  ],
  description: {
    summary: 'Neither the pod nor a container may set runAsUser=0 (user-namespace pods exempt from v1.35).',
    fields: ['spec.securityContext.runAsUser', containerField('securityContext.runAsUser'), 'spec.hostUsers'],
  },
};
