/**
 * Pod Security admission: namespace labels -> policy, exemptions, the pod / pod-controller / namespace flows,
 * AdmissionReview in and out, metrics through an interface. Pure code: no Node APIs, no third-party packages.
 */
export * from './types.ts';
export { ObjectTypes } from './objects.ts';
export type { AdmissionObject, ObjectDecodeResult, ObjectDecoder } from './objects.ts';
export {
  fieldErrorsEqual,
  formatAggregate,
  formatFieldError,
  formatFieldErrorBody,
  formatFieldErrors,
  isEnforceUnchangedOrLooser,
  isEquivalentPolicy,
  isFullyPrivileged,
  policyToEvaluate,
} from './policy.ts';
export {
  DEFAULT_SERVER_VERSION,
  isSignificantPodUpdate,
  MissingObjectError,
  NAMESPACE_MAX_PODS_TO_CHECK,
  NAMESPACE_POD_CHECK_TIMEOUT_MS,
  operationLabel,
  PodSecurityAdmission,
  resourceLabel,
  violates,
  wouldViolate,
} from './admission.ts';
export type { AdmissionDependencies } from './admission.ts';
export {
  evaluatePodsInNamespace,
  exemptNamespaceWarning,
  LIST_PODS_FAILED,
  prioritizePods,
  ViolationTally,
} from './namespace-flow.ts';
export { createAdmission, evaluateOffline } from './create.ts';
export type {
  Admission,
  CreateAdmissionOptions,
  ModeVerdict,
  OfflineInput,
  OfflineVerdict,
  ReviewOutcome,
} from './create.ts';
export { decodeAdmissionObject } from './decode-object.ts';
export {
  CountingMetrics,
  errorLabels,
  evaluationLabels,
  exemptionLabels,
  MetricHelp,
  MetricNames,
  metricPolicyVersion,
} from './metrics.ts';
export type { MetricSample } from './metrics.ts';
export { goQuote } from './go-text.ts';
