/**
 * allowPrivilegeEscalation (restricted): every container must explicitly set `allowPrivilegeEscalation: false`
 * (unset counts as allowed escalation). v1.8: every pod. v1.25: Windows pods are exempt (the setting has no meaning
 * there). Absent below v1.8.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerNamesWhere, containersPhrase } from '../format.ts';
import { isWindowsPod } from '../pod-predicates.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function mayEscalate(container: Container): boolean {
  return container.securityContext?.allowPrivilegeEscalation !== false;
}

function evaluateV18(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  if ((flags & ContainerFlag.mayEscalatePrivileges) === 0) return ALLOWED;
  return forbidden(
    'allowPrivilegeEscalation != false',
    `${containersPhrase(containerNamesWhere(spec, mayEscalate))} must set securityContext.allowPrivilegeEscalation=false`,
  );
}

function evaluateV125(metadata: ObjectMeta, spec: PodSpec, flags?: number): CheckResult {
  if (isWindowsPod(spec)) return ALLOWED;
  return evaluateV18(metadata, spec, flags);
}

export const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(8), evaluate: evaluateV18 },
    { minimumVersion: majorMinor(25), evaluate: evaluateV125 },
  ],
  description: {
    summary: 'Containers must set allowPrivilegeEscalation=false (Windows pods exempt from v1.25).',
    fields: [containerField('securityContext.allowPrivilegeEscalation'), 'spec.os.name'],
  },
};
