/** The two pod-wide relaxation predicates several checks share (spec §2). */
import type { PodSpec } from '../k8s/pod.ts';

/** A Windows pod: `spec.os` is set and `spec.os.name` is exactly `windows`. */
export function isWindowsPod(spec: PodSpec): boolean {
  return spec.os?.name === 'windows';
}

/** A user-namespace pod: `spec.hostUsers` is explicitly `false` (unset does not count). */
export function isUserNamespacePod(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}
