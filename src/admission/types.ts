import type { LevelVersion } from '../api/level-version.ts';
import type { Mode } from '../api/labels.ts';
import type { Namespace } from '../k8s/namespace.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';
import type { PodEvaluation } from '../policy/types.ts';

/** The LevelVersion applied in each mode. */
export interface Policy {
  readonly enforce: LevelVersion;
  readonly audit: LevelVersion;
  readonly warn: LevelVersion;
}

export interface Exemptions {
  readonly usernames: readonly string[];
  readonly namespaces: readonly string[];
  readonly runtimeClasses: readonly string[];
}

/** The effective, validated configuration admission runs with (defaults already parsed). */
export interface AdmissionSettings {
  readonly defaults: Policy;
  readonly exemptions: Exemptions;
}

/** Finds a namespace by name. Rejects (throws) on lookup failure; admission fails closed for pods. */
export interface NamespaceLookup {
  getNamespace(name: string, signal?: AbortSignal): Promise<Namespace>;
  /**
   * The namespace if it is known without I/O (an informer cache), else undefined and admission calls `getNamespace`.
   * Optional: it only spares the common case a promise and the request an abort signal.
   */
  cachedNamespace?(name: string): Namespace | undefined;
}

/** A pod as listed for namespace evaluation. */
export interface ListedPod {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}

/**
 * Lists the pods of a namespace. Rejects on failure or when `signal` aborts. `deadline` (epoch ms, same clock as the
 * admission's) is the end of the existing-pod time budget: the listing should give up by then (pure admission code sets
 * no timers, so enforcing it is the lister's job; a listing that returns after it counts as failed).
 */
export interface PodLister {
  listPods(namespace: string, signal?: AbortSignal, deadline?: number): Promise<readonly ListedPod[]>;
}

export const Decisions = { allow: 'allow', deny: 'deny' } as const;
export type Decision = (typeof Decisions)[keyof typeof Decisions];

/** The request attributes metrics are labelled with. */
export interface MetricAttributes {
  /** Lowercased operation: `create`, `update`, ... */
  readonly operation: string;
  /** `pod`, `namespace` or `controller`. */
  readonly resource: string;
  readonly subresource: string;
}

/** Receives upstream's `pod_security_*` counter increments. */
export interface MetricsRecorder {
  recordEvaluation(decision: Decision, policy: LevelVersion, mode: Mode, attributes: MetricAttributes): void;
  recordExemption(attributes: MetricAttributes): void;
  recordError(fatal: boolean, attributes: MetricAttributes): void;
}

/** A metrics recorder that drops everything. */
export const noMetrics: MetricsRecorder = Object.freeze({
  recordEvaluation() {},
  recordExemption() {},
  recordError() {},
});

/**
 * The policy engine as admission uses it: evaluate pod metadata + spec at a LevelVersion. Injected so admission can be
 * exercised with fakes and so the engine's evaluator (with its precomputed check lists) is built once.
 */
export interface PodEvaluator {
  evaluatePod(levelVersion: LevelVersion, metadata: ObjectMeta, spec: PodSpec): PodEvaluation;
}

/** Milliseconds since the epoch, like `Date.now`. Injected so time budgets are testable without timers. */
export type Clock = () => number;

/** Per-request options for `admit`/`admitReview`. */
export interface AdmitOptions {
  /** Aborts namespace lookups and pod listing (e.g. when the client goes away). */
  readonly signal?: AbortSignal;
  /**
   * The request's deadline in epoch milliseconds (the webhook derives it from `?timeout=`). Existing-pod evaluation on
   * namespace tightening then takes at most half the remaining time (and never more than its own budget, 1 s).
   */
  readonly deadline?: number;
}

/** Why a request was exempt (the value of the `exempt` audit annotation). */
export const ExemptionReasons = { namespace: 'namespace', user: 'user', runtimeClass: 'runtimeClass' } as const;
export type ExemptionReason = (typeof ExemptionReasons)[keyof typeof ExemptionReasons];

/** A field error (apimachinery's `field.Error`) as PSA produces it: Invalid or Duplicate, with a string bad value. */
export interface FieldError {
  readonly type: FieldErrorType;
  /** e.g. `metadata.labels[pod-security.kubernetes.io/enforce]` */
  readonly field: string;
  readonly badValue: string;
  readonly detail: string;
}

export const FieldErrorTypes = {
  invalid: 'FieldValueInvalid',
  duplicate: 'FieldValueDuplicate',
} as const;
export type FieldErrorType = (typeof FieldErrorTypes)[keyof typeof FieldErrorTypes];

/** The effective policy for a namespace, with the label errors found while computing it (§5.2). */
export interface NamespacePolicy {
  readonly policy: Policy;
  /** In label-processing order: enforce, enforce-version, audit, audit-version, warn, warn-version. */
  readonly errors: readonly FieldError[];
}
