import type { ObjectMeta } from './pod.ts';

/** The minimal Namespace shape Pod Security reads: its name and labels. */
export interface Namespace {
  readonly metadata: ObjectMeta;
}
