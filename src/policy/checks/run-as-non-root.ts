/**
 * runAsNonRoot (restricted): containers must be required to run as a non-root user: `runAsNonRoot: true` on every
 * container, or on the pod and not overridden with `false` by any container. v1.0: every pod. v1.35: pods in a user
 * namespace (`hostUsers: false`) are exempt, since root there is not root on the node. No Windows exemption.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, containersPhrase, forEachContainer, setterPhrase } from '../format.ts';
import { isUserNamespacePod } from '../pod-predicates.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function setsFalse(container: Container): boolean {
  return container.securityContext?.runAsNonRoot === false;
}

/** Whether any container matches `setsFalse`, in a loop of its own so V8 can inline the predicate. */
function anySetsFalse(spec: PodSpec): boolean {
  return (
    anySetsFalseIn(spec.initContainers) || anySetsFalseIn(spec.containers) || anySetsFalseIn(spec.ephemeralContainers)
  );
}

function anySetsFalseIn(list: readonly Container[] | undefined): boolean {
  if (list == null) return false;
  for (let i = 0; i < list.length; i++) if (setsFalse(list[i]!)) return true;
  return false;
}

function isNotTrue(container: Container): boolean {
  return container.securityContext?.runAsNonRoot !== true;
}

/** Whether any container matches `isNotTrue`, in a loop of its own so V8 can inline the predicate. */
function anyIsNotTrue(spec: PodSpec): boolean {
  return (
    anyIsNotTrueIn(spec.initContainers) || anyIsNotTrueIn(spec.containers) || anyIsNotTrueIn(spec.ephemeralContainers)
  );
}

function anyIsNotTrueIn(list: readonly Container[] | undefined): boolean {
  if (list == null) return false;
  for (let i = 0; i < list.length; i++) if (isNotTrue(list[i]!)) return true;
  return false;
}

function evaluateV10(_metadata: ObjectMeta, spec: PodSpec): CheckResult {
  const podValue = spec.securityContext?.runAsNonRoot;
  const podCovers = podValue === true;
  if (podValue !== false && !(podCovers ? anySetsFalse(spec) : anyIsNotTrue(spec))) return ALLOWED;
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

function evaluateV135(metadata: ObjectMeta, spec: PodSpec): CheckResult {
  if (isUserNamespacePod(spec)) return ALLOWED;
  return evaluateV10(metadata, spec);
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
