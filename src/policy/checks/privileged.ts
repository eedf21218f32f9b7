/** privileged (baseline, since v1.0): no container may run privileged (explicit `privileged: true`). One variant. */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerNamesWhere, containersPhrase } from '../format.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function isPrivileged(container: Container): boolean {
  return container.securityContext?.privileged === true;
}

/** Whether any container matches `isPrivileged`, in a loop of its own so V8 can inline the predicate. */
function anyIsPrivileged(spec: PodSpec): boolean {
  return (
    anyIsPrivilegedIn(spec.initContainers) ||
    anyIsPrivilegedIn(spec.containers) ||
    anyIsPrivilegedIn(spec.ephemeralContainers)
  );
}

function anyIsPrivilegedIn(list: readonly Container[] | undefined): boolean {
  if (list == null) return false;
  for (let i = 0; i < list.length; i++) if (isPrivileged(list[i]!)) return true;
  return false;
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec): CheckResult {
  if (!anyIsPrivileged(spec)) return ALLOWED;
  return forbidden(
    'privileged',
    `${containersPhrase(containerNamesWhere(spec, isPrivileged))} must not set securityContext.privileged=true`,
  );
}

export const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(0), evaluate }],
  description: {
    summary: 'Containers must not run privileged.',
    fields: [containerField('securityContext.privileged')],
  },
};
