/**
 * windowsHostProcess (baseline, since v1.0): Windows HostProcess containers (full host access) are forbidden at pod
 * and container level (explicit `hostProcess: true`). One variant.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerNamesWhere, setterPhrase } from '../format.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function isHostProcess(container: Container): boolean {
  return container.securityContext?.windowsOptions?.hostProcess === true;
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  const podBad = spec.securityContext?.windowsOptions?.hostProcess === true;
  if (!podBad && (flags & ContainerFlag.hostProcess) === 0) return ALLOWED;
  return forbidden(
    'hostProcess',
    `${setterPhrase(podBad, containerNamesWhere(spec, isHostProcess))} must not set securityContext.windowsOptions.hostProcess=true`,
  );
}

export const windowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(0), evaluate }],
  description: {
    summary: 'Windows HostProcess containers are not allowed.',
    fields: [
      'spec.securityContext.windowsOptions.hostProcess',
      containerField('securityContext.windowsOptions.hostProcess'),
    ],
  },
};
