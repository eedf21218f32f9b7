/** privileged (baseline, since v1.0): no container may run privileged (explicit `privileged: true`). One variant. */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerNamesWhere, containersPhrase } from '../format.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function isPrivileged(container: Container): boolean {
  return container.securityContext?.privileged === true;
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  if ((flags & ContainerFlag.privileged) === 0) return ALLOWED;
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
