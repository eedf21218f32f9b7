/**
 * procMount (baseline): containers must keep the default masked /proc (`procMount` unset or `Default`).
 * v1.0: applies to every pod. v1.35: pods in a user namespace (`hostUsers: false`) are exempt, since an unmasked /proc
 * there cannot reach the host's. At restricted it is replaced from v1.35 on by procMount_restricted.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, containersPhrase, forEachContainer, joinQuote, sortStrings } from '../format.ts';
import { isUserNamespacePod } from '../pod-predicates.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function hasNonDefaultProcMount(container: Container): boolean {
  const procMount = container.securityContext?.procMount;
  return procMount != null && procMount !== 'Default';
}

/** The procMount rule without any relaxation; shared with procMount_restricted. */
export function evaluateProcMount(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  if ((flags & ContainerFlag.nonDefaultProcMount) === 0) return ALLOWED;
  const names: string[] = [];
  const values = new Set<string>();
  forEachContainer(spec, (c) => {
    if (!hasNonDefaultProcMount(c)) return;
    names.push(containerName(c));
    values.add(c.securityContext?.procMount ?? '');
  });
  return forbidden(
    'procMount',
    `${containersPhrase(names)} must not set securityContext.procMount to ${joinQuote(sortStrings(values))}`,
  );
}

function evaluateProcMountV135(metadata: ObjectMeta, spec: PodSpec, flags?: number): CheckResult {
  if (isUserNamespacePod(spec)) return ALLOWED;
  return evaluateProcMount(metadata, spec, flags);
}

export const procMount: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(0), evaluate: evaluateProcMount },
    { minimumVersion: majorMinor(35), evaluate: evaluateProcMountV135 },
  ],
  description: {
    summary: 'Containers must use the default /proc mount (from v1.35, user-namespace pods are exempt).',
    fields: [containerField('securityContext.procMount'), 'spec.hostUsers'],
  },
};
