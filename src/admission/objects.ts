/**
 * What admission needs from a request's embedded object: its own GVK and, per type, the namespace metadata, the
 * pod, or the pod template. Decoding itself is pluggable (`ObjectDecoder`) so it can follow the `src/k8s` decoders.
 */
import type { GroupVersionKind, RawJson } from '../k8s/admission-review.ts';
import type { ObjectMeta, PodShape, PodSpec } from '../k8s/pod.ts';

export const ObjectTypes = {
  pod: 'Pod',
  namespace: 'Namespace',
  template: 'Template',
  other: 'Other',
} as const;

/**
 * A decoded request object, reduced to what Pod Security reads. `gvk` is the object's own apiVersion and kind, as Go's
 * decoded object reports them: a field the object left out (filled from the request's kind to pick the type) stays
 * empty, so an error about an unexpected type says `/, Kind=ConfigMap` as upstream's does.
 */
export type AdmissionObject =
  | { readonly type: 'Pod'; readonly gvk: GroupVersionKind; readonly metadata: ObjectMeta; readonly spec: PodSpec }
  | { readonly type: 'Namespace'; readonly gvk: GroupVersionKind; readonly metadata: ObjectMeta }
  /** A pod-template-bearing controller; `template` is null only for a ReplicationController without one. */
  | { readonly type: 'Template'; readonly gvk: GroupVersionKind; readonly template: PodShape | null }
  /** Any other type the scheme knows (e.g. a ConfigMap): decodes, but has no pod template. */
  | { readonly type: 'Other'; readonly gvk: GroupVersionKind };

export type ObjectDecodeResult =
  { readonly ok: true; readonly object: AdmissionObject | undefined } | { readonly ok: false; readonly error: string };

/**
 * Decodes a RawExtension with `defaultKind` (the request's `kind`) filling in a missing apiVersion/kind, as upstream's
 * universal deserializer does. An absent object decodes to `undefined`. A failure carries Go's error text.
 */
export type ObjectDecoder = (raw: RawJson | undefined, defaultKind: GroupVersionKind) => ObjectDecodeResult;
