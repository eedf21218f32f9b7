import type { LevelVersion } from '../api/level-version.ts';
import type { Mode } from '../api/labels.ts';
import type { Namespace } from '../k8s/namespace.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';

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
}

/** A pod as listed for namespace evaluation. */
export interface ListedPod {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}

/** Lists the pods of a namespace. Rejects on failure or when `signal` aborts. */
export interface PodLister {
  listPods(namespace: string, signal?: AbortSignal): Promise<readonly ListedPod[]>;
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
