/**
 * runAsNonRoot (restricted): containers must be required to run as a non-root user: `runAsNonRoot: true` on every
 * container, or on the pod and not overridden with `false` by any container. v1.0: every pod. v1.35: pods in a user
 * namespace (`hostUsers: false`) are exempt, since root there is not root on the node. No Windows exemption.
 */
import type { ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, containersPhrase, forEachContainer, setterPhrase } from '../format.ts';
import { isUserNamespacePod } from '../pod-predicates.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function evaluateV10(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  const podValue = spec.securityContext?.runAsNonRoot;
  const podCovers = podValue === true;
  const containersBad = podCovers ? ContainerFlag.runAsNonRootFalse : ContainerFlag.runAsNonRootNotTrue;
  if (podValue !== false && (flags & containersBad) === 0) return ALLOWED;
  const explicit: string[] = [];
  const implicit: string[] = [];
  forEachContainer(spec, (c) => {
    const value = c.securityContext?.runAsNonRoot;
    if (value === false) explicit.push(containerName(c));
    else if (value !== true && !podCovers) implicit.push(containerName(c));
  });
  const podBad = podValue === false;
  if (podBad || explicit.length > 0) {
    return forbidden(
      'runAsNonRoot != true',
      `${setterPhrase(podBad, explicit)} must not set securityContext.runAsNonRoot=false`,
    );
  }
  if (implicit.length > 0) {
    return forbidden(
      'runAsNonRoot != true',
      `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
    );
  }
  return ALLOWED;
}

function evaluateV135(metadata: ObjectMeta, spec: PodSpec, flags?: number): CheckResult {
  if (isUserNamespacePod(spec)) return ALLOWED;
  return evaluateV10(metadata, spec, flags);
}

export const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(0), evaluate: evaluateV10 },
    { minimumVersion: majorMinor(35), evaluate: evaluateV135 },
  ],
  description: {
    summary: 'Containers must run with runAsNonRoot=true (user-namespace pods exempt from v1.35).',
    fields: ['spec.securityContext.runAsNonRoot', containerField('securityContext.runAsNonRoot'), 'spec.hostUsers'],
  },
};
