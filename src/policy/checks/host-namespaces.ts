/**
 * hostNamespaces (baseline, since v1.0): a pod must not share the node's network, PID or IPC namespace. One variant.
 */
import type { ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import type { Check, CheckResult } from '../types.ts';

function evaluate(_metadata: ObjectMeta, spec: PodSpec): CheckResult {
  if (spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true) return ALLOWED;
  const shared: string[] = [];
  if (spec.hostNetwork === true) shared.push('hostNetwork=true');
  if (spec.hostPID === true) shared.push('hostPID=true');
  if (spec.hostIPC === true) shared.push('hostIPC=true');
  return forbidden('host namespaces', shared.join(', '));
}

export const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(0), evaluate }],
  description: {
    summary: 'The pod must not use the host network, PID or IPC namespace.',
    fields: ['spec.hostNetwork', 'spec.hostPID', 'spec.hostIPC'],
  },
};
