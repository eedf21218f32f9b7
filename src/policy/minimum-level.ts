/** The strictest Pod Security level a pod meets at a version. */
import type { Level } from '../api/level.ts';
import type { Version } from '../api/version.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';
import { defaultEvaluator, type Evaluator } from './evaluator.ts';

/** `restricted` if the pod passes there, else `baseline` if it passes there, else `privileged`. */
export function minimumLevel(
  version: Version,
  metadata: ObjectMeta,
  spec: PodSpec,
  evaluator: Evaluator = defaultEvaluator,
): Level {
  if (evaluator.isPodAllowed({ level: 'restricted', version }, metadata, spec)) return 'restricted';
  if (evaluator.isPodAllowed({ level: 'baseline', version }, metadata, spec)) return 'baseline';
  return 'privileged';
}
