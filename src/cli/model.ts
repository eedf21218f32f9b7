import type { Mode } from '../api/labels.ts';
import type { Position } from './input/document-stream.ts';

/** One mode's verdict on an object, as the API server computes it. */
export interface ModeVerdict {
  readonly mode: Mode;
  readonly level: string;
  /** The version exactly as configured (`latest`, `v1.30`). */
  readonly version: string;
  readonly allowed: boolean;
  /** Reasons of the failed checks, in evaluation order. */
  readonly forbiddenReasons: readonly string[];
  /** Upstream's ForbiddenDetail string (empty when allowed). */
  readonly forbiddenDetail: string;
  /** The exact text the API server produces: `violates PodSecurity "...": ...` (enforce) or `would violate ...`. */
  readonly message: string;
  /** Check IDs that failed, parallel to forbiddenReasons. */
  readonly checkIds: readonly string[];
}

export const ObjectCategories = { pod: 'pod', workload: 'workload' } as const;
export type ObjectCategory = (typeof ObjectCategories)[keyof typeof ObjectCategories];

/** A decode problem inside an object, with the field path and where it is. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
  readonly position: Position | undefined;
}

/** The full verdict on one pod-bearing object. */
export interface ObjectVerdict {
  readonly file: string;
  readonly index: number;
  readonly position: Position;
  readonly apiVersion: string;
  readonly kind: string;
  /** `pods`, `deployments.apps`, ... (kubectl's resource.group). */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly category: ObjectCategory;
  /** Set when admission exempts the object (no evaluation). */
  readonly exempt: 'namespace' | 'user' | 'runtimeClass' | undefined;
  /** `Failed to parse policy: ...` when the namespace labels are invalid (the fallback policy is used). */
  readonly policyError: string | undefined;
  /** Undefined when exempt, or for workloads whose template is null. */
  readonly enforce: ModeVerdict | undefined;
  readonly warn: ModeVerdict | undefined;
  readonly audit: ModeVerdict | undefined;
  /** The warnings the API server returns to the client (kubectl prints them as `Warning: ...`). */
  readonly warnings: readonly string[];
  /** For pods: the object is refused. For workloads: the pods its controller creates would be refused. */
  readonly refused: boolean;
  /**
   * The refusal text: for a pod, `pods "x" is forbidden: violates PodSecurity ...`; for a workload, the controller's
   * `Error creating: pods "x-xxxxx" is forbidden: ...` event message.
   */
  readonly refusal: string | undefined;
  /** The controller that creates the pods (event source), e.g. `daemonset-controller`; undefined for pods. */
  readonly controller: string | undefined;
  /** Placeholder name of the pods the controller creates (deterministic: `xxxxx` stands for the random suffix). */
  readonly podName: string;
  readonly issues: readonly FieldIssue[];
}

/** What happened to a Namespace object in the input. */
export interface NamespaceEvent {
  readonly file: string;
  readonly index: number;
  readonly position: Position;
  readonly name: string;
  /** `created` or `configured` (the namespace already exists: default, kube-system, ... or seen earlier). */
  readonly action: 'created' | 'configured';
  /** `Namespace "x" is invalid: ...` when labels are invalid (the API server refuses it). */
  readonly invalid: string | undefined;
  readonly warnings: readonly string[];
}

/** Objects that are neither pod-bearing nor namespaces: not checked, only counted. */
export interface SkippedObject {
  readonly file: string;
  readonly index: number;
  readonly position: Position;
  readonly kind: string;
  readonly reason: 'not-pod-bearing' | 'configuration';
}

/** A problem reading or decoding input: printed on stderr as `file:line:col: message`. */
export interface InputProblem {
  readonly file: string;
  readonly index: number | undefined;
  readonly position: Position | undefined;
  readonly message: string;
}

export interface CheckSummary {
  readonly files: number;
  readonly objects: number;
  readonly pods: number;
  readonly workloads: number;
  readonly namespaces: number;
  readonly skipped: number;
  /** Configuration documents (PodSecurityConfiguration, Talos machine configs, ...): read with --config, not checked. */
  readonly configurations: number;
  readonly skippedKinds: ReadonlyMap<string, number>;
  readonly refused: number;
  readonly warned: number;
  readonly audited: number;
  readonly exempt: number;
  readonly errors: number;
}
