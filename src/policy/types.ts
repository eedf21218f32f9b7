import type { Level } from '../api/level.ts';
import type { LevelVersion } from '../api/level-version.ts';
import type { Version } from '../api/version.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';

/** The outcome of one check on one pod. The denied branch always carries a reason. */
export type CheckResult =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: string; readonly detail: string };

/**
 * A check's evaluation function: pure, never throws on pod content. `containerFlags` is the pod's
 * `scanContainers(spec)` (see container-flags.ts), computed once by the evaluator for all checks; a check called
 * without it computes it itself. A check may ignore it. At a baseline LevelVersion the evaluator passes
 * `scanContainersForBaseline(spec)`, whose `RESTRICTED_ONLY_FLAGS` are clear: a baseline-level check reads only the
 * other bits.
 */
export type CheckFn = (metadata: ObjectMeta, spec: PodSpec, containerFlags?: number) => CheckResult;

/** One versioned implementation of a check. */
export interface VersionedCheck {
  /** The first policy version this variant applies to. */
  readonly minimumVersion: Version;
  readonly evaluate: CheckFn;
  /** Baseline check IDs this (restricted) variant replaces while active. */
  readonly overrides?: readonly string[];
}

/** A Pod Security check: upstream's exact ID, its level, and its variants in increasing version order. */
export interface Check {
  readonly id: string;
  readonly level: Exclude<Level, 'privileged'>;
  readonly versions: readonly VersionedCheck[];
  /** What the control restricts and which fields it reads; feeds the catalogue. */
  readonly description?: CheckDescription;
}

/** Documentation carried by a check so the catalogue cannot drift from the code. */
export interface CheckDescription {
  /** One line: what the control restricts. */
  readonly summary: string;
  /** The pod fields the check reads, as JSON paths. */
  readonly fields: readonly string[];
}

/** A forbidden check result in the aggregate, in evaluation order. */
export interface Violation {
  readonly checkId: string;
  readonly reason: string;
  readonly detail: string;
}

/** Every check run for one pod at one LevelVersion, with upstream's aggregate strings. */
export interface PodEvaluation {
  readonly levelVersion: LevelVersion;
  readonly allowed: boolean;
  /** Per-check results, in evaluation order (only the checks active at this LevelVersion). */
  readonly results: readonly { readonly checkId: string; readonly result: CheckResult }[];
  /** The forbidden results only, in evaluation order. */
  readonly violations: readonly Violation[];
  /** Reasons joined with `", "` (upstream's ForbiddenReason()). Empty when allowed. */
  readonly forbiddenReason: string;
  /** `reason (detail)` items joined with `", "` (upstream's ForbiddenDetail()). Empty when allowed. */
  readonly forbiddenDetail: string;
}

/** Catalogue entry for docs and the CLI. */
export interface CheckInfo {
  readonly id: string;
  readonly level: Exclude<Level, 'privileged'>;
  /** Versions at which the check's behaviour changes (first is when it appears). */
  readonly versions: readonly string[];
  /** Baseline checks this one replaces at restricted, with the version from which it does. */
  readonly overrides: readonly { readonly checkId: string; readonly fromVersion: string }[];
  /** One line: what the control restricts. */
  readonly summary: string;
  /** The pod fields the check reads, as JSON paths. */
  readonly fields: readonly string[];
}
