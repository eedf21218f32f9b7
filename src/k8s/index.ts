/** Pod and Namespace shapes, decoders from untrusted input, workload template extraction and API-server defaults. */
export * from './pod.ts';
export * from './namespace.ts';
export { decodePod, decodeObjectMeta, decodePodSpec, VOLUME_SOURCE_KEYS } from './decode-pod.ts';
export type { Decoded, DecodeOptions } from './decode-pod.ts';
export { MAX_DECODE_ISSUES } from './decode-primitives.ts';
export {
  POD_BEARING_KINDS,
  decodeNamespace,
  decodeWorkload,
  formatGroupVersionKind,
  isPodBearing,
  parseApiVersion,
  podBearingKind,
} from './workloads.ts';
export type { DecodedWorkload, OtherObject, PodBearingKind, PodBearingWorkload } from './workloads.ts';
export {
  DefaultTargets,
  applyApiServerDefaults,
  applyPodSpecDefaults,
  applyWorkloadDefaults,
  hasNoVolumeSource,
} from './defaults.ts';
export type { DefaultTarget } from './defaults.ts';
export * from './admission-review.ts';
