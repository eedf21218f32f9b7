/**
 * windowsHostProcess (baseline, since v1.0): Windows HostProcess containers (full host access) are forbidden at pod
 * and container level (explicit `hostProcess: true`). One variant.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerNamesWhere, setterPhrase } from '../format.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function isHostProcess(container: Container): boolean {
  return container.securityContext?.windowsOptions?.hostProcess === true;
}

/** Whether any container matches `isHostProcess`, in a loop of its own so V8 can inline the predicate. */
function anyIsHostProcess(spec: PodSpec): boolean {
  return (
    anyIsHostProcessIn(spec.initContainers) ||
    anyIsHostProcessIn(spec.containers) ||
    anyIsHostProcessIn(spec.ephemeralContainers)
  );
}

function anyIsHostProcessIn(list: readonly Container[] | undefined): boolean {
  if (list == null) return false;
  for (let i = 0; i < list.length; i++) if (isHostProcess(list[i]!)) return true;
  return false;
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec): CheckResult {
  const podBad = spec.securityContext?.windowsOptions?.hostProcess === true;
  if (!podBad && !anyIsHostProcess(spec)) return ALLOWED;
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
