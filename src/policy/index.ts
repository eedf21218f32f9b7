/**
 * The Pod Security policy engine: the 19 built-in checks, registry validation, the evaluator and its aggregate
 * strings, the strictest-level helper, the check catalogue and the shared formatting primitives. Pure: no Node and
 * no third-party imports.
 */
export type * from './types.ts';
export { ALLOWED, forbidden } from './check-result.ts';
export {
  compareCodePoints,
  containerNamesWhere,
  containersPhrase,
  forEachContainer,
  goQuote,
  joinQuote,
  pluralize,
  setterPhrase,
  someContainer,
  sortStrings,
  type ContainerPredicate,
} from './format.ts';
export { isUserNamespacePod, isWindowsPod } from './pod-predicates.ts';
export { defaultChecks } from './checks/index.ts';
export { BASELINE_ALLOWED_CAPABILITIES } from './checks/capabilities-baseline.ts';
export { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from './checks/restricted-volumes.ts';
export { SELINUX_ALLOWED_TYPES } from './checks/se-linux-options.ts';
export { InvalidChecksError, assertValidChecks, validateChecks } from './registry.ts';
export {
  checksAt,
  createEvaluator,
  defaultEvaluator,
  evaluatePod,
  isPodAllowed,
  newestPolicyVersion,
  type Evaluator,
  type EvaluatorOptions,
} from './evaluator.ts';
export { minimumLevel } from './minimum-level.ts';
export { checkCatalogue, describeCheck } from './catalogue.ts';
