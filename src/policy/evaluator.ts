/**
 * The evaluator (spec §1.4, §1.6, §4.1). Built once from a validated check list: for every version band where any
 * check changes, it precomputes the ordered check functions of each level (baseline IDs in byte order, then restricted
 * IDs in byte order; overridden and absent checks dropped), so evaluating a pod is one visit of its containers
 * (`scanContainers`, whose bits every check reads; at baseline `scanContainersForBaseline`, which skips the fields only
 * restricted checks read) and a flat loop with no allocation unless something is forbidden.
 */
import type { Level } from '../api/level.ts';
import type { LevelVersion } from '../api/level-version.ts';
import { majorMinor, type Version } from '../api/version.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';
import { ALLOWED } from './check-result.ts';
import { defaultChecks } from './checks/index.ts';
import { scanContainers, scanContainersForBaseline } from './container-flags.ts';
import { compareCodePoints } from './format.ts';
import { assertValidChecks } from './registry.ts';
import type { Check, CheckFn, CheckResult, PodEvaluation, Violation } from './types.ts';

export { newestPolicyVersion } from './newest-version.ts';

export interface EvaluatorOptions {
  /**
   * An emulation version: when it is older than the newest version the checks define, requests above it are clamped
   * to it instead. `latest` (or a newer version) changes nothing.
   */
  readonly maxVersion?: Version;
}

export interface Evaluator {
  /** The version `latest` and every newer version evaluate as. */
  readonly maxVersion: Version;
  /** Runs every check active at `levelVersion`, returning per-check results and upstream's aggregate strings. */
  evaluatePod(levelVersion: LevelVersion, metadata: ObjectMeta, spec: PodSpec): PodEvaluation;
  /** Whether the pod passes at `levelVersion`; stops at the first forbidden check and builds no strings. */
  isPodAllowed(levelVersion: LevelVersion, metadata: ObjectMeta, spec: PodSpec): boolean;
  /** The IDs of the checks run at `levelVersion`, in evaluation order (empty for privileged). */
  checksAt(levelVersion: LevelVersion): readonly string[];
}

type PerCheckResult = PodEvaluation['results'][number];

/** The checks of one level within one version band, ready to loop over. */
interface Band {
  readonly ids: readonly string[];
  readonly fns: readonly CheckFn[];
  /** The results array for a pod every check allows: shared, frozen. */
  readonly allowedResults: readonly PerCheckResult[];
  /** The container scan whose bits the band's checks read: the baseline one skips the restricted-only fields. */
  readonly scan: (spec: PodSpec) => number;
}

const EMPTY_RESULTS: readonly PerCheckResult[] = Object.freeze([]);
const EMPTY_VIOLATIONS: readonly Violation[] = Object.freeze([]);
const EMPTY_IDS: readonly string[] = Object.freeze([]);
const EMPTY_BAND: Band = Object.freeze({
  ids: EMPTY_IDS,
  fns: Object.freeze([]),
  allowedResults: EMPTY_RESULTS,
  scan: scanContainers,
});
const UNKNOWN_REASON = 'unknown forbidden reason';

function createBand(entries: readonly { readonly id: string; readonly fn: CheckFn }[], level: Level): Band {
  if (entries.length === 0) return EMPTY_BAND;
  return Object.freeze({
    ids: Object.freeze(entries.map((e) => e.id)),
    fns: Object.freeze(entries.map((e) => e.fn)),
    allowedResults: Object.freeze(entries.map((e) => Object.freeze({ checkId: e.id, result: ALLOWED }))),
    scan: level === 'baseline' ? scanContainersForBaseline : scanContainers,
  });
}

/** The variant of `check` active at `minor`, or undefined when the check does not exist yet. */
function variantAt(check: Check, minor: number): Check['versions'][number] | undefined {
  let active: Check['versions'][number] | undefined;
  for (const variant of check.versions) {
    if (variant.minimumVersion.minor <= minor) active = variant;
  }
  return active;
}

function byId(a: Check, b: Check): number {
  return compareCodePoints(a.id, b.id);
}

/**
 * Builds an evaluator for `checks` (validated first; throws {@link InvalidChecksError} on a bad list, which is a
 * programming error, never a pod-content one).
 */
export function createEvaluator(checks: readonly Check[], options: EvaluatorOptions = {}): Evaluator {
  assertValidChecks(checks);
  const baseline = checks.filter((c) => c.level === 'baseline').sort(byId);
  const restricted = checks.filter((c) => c.level === 'restricted').sort(byId);

  let maxMinor = 0;
  for (const check of checks)
    maxMinor = Math.max(maxMinor, check.versions[check.versions.length - 1]!.minimumVersion.minor);
  const emulation = options.maxVersion;
  if (emulation !== undefined && !emulation.latest && emulation.minor < maxMinor) maxMinor = emulation.minor;

  // Band boundaries: every version where some check appears or changes variant, up to the clamp.
  const boundarySet = new Set<number>();
  for (const check of checks) {
    for (const variant of check.versions) {
      if (variant.minimumVersion.minor <= maxMinor) boundarySet.add(variant.minimumVersion.minor);
    }
  }
  const boundaries = [...boundarySet].sort((a, b) => a - b);

  const baselineBands: Band[] = [];
  const restrictedBands: Band[] = [];
  for (const minor of boundaries) {
    const baselineEntries: { id: string; fn: CheckFn }[] = [];
    for (const check of baseline) {
      const variant = variantAt(check, minor);
      if (variant !== undefined) baselineEntries.push({ id: check.id, fn: variant.evaluate });
    }
    const overridden = new Set<string>();
    const restrictedEntries: { id: string; fn: CheckFn }[] = [];
    for (const check of restricted) {
      const variant = variantAt(check, minor);
      if (variant === undefined) continue;
      for (const id of variant.overrides ?? []) overridden.add(id);
      restrictedEntries.push({ id: check.id, fn: variant.evaluate });
    }
    baselineBands.push(createBand(baselineEntries, 'baseline'));
    restrictedBands.push(
      createBand([...baselineEntries.filter((e) => !overridden.has(e.id)), ...restrictedEntries], 'restricted'),
    );
  }

  function bandFor(levelVersion: LevelVersion): Band {
    const level: Level = levelVersion.level;
    if (level === 'privileged') return EMPTY_BAND;
    const version = levelVersion.version;
    const minor = version.latest || version.minor > maxMinor ? maxMinor : version.minor;
    // Anything that is not baseline fails closed to restricted.
    const bands = level === 'baseline' ? baselineBands : restrictedBands;
    for (let i = boundaries.length - 1; i >= 0; i--) {
      if (boundaries[i]! <= minor) return bands[i]!;
    }
    return EMPTY_BAND;
  }

  function evaluatePod(levelVersion: LevelVersion, metadata: ObjectMeta, spec: PodSpec): PodEvaluation {
    const band = bandFor(levelVersion);
    const fns = band.fns;
    if (fns.length === 0) return allowedEvaluation(levelVersion, band);
    // The one visit of every container; each check reads its bits instead of walking the containers again.
    const flags = band.scan(spec);
    for (let i = 0; i < fns.length; i++) {
      const result = fns[i]!(metadata, spec, flags);
      if (!result.allowed) return evaluateRest(levelVersion, band, i, result, metadata, spec, flags);
    }
    return allowedEvaluation(levelVersion, band);
  }

  function allowedEvaluation(levelVersion: LevelVersion, band: Band): PodEvaluation {
    return {
      levelVersion,
      allowed: true,
      results: band.allowedResults,
      violations: EMPTY_VIOLATIONS,
      forbiddenReason: '',
      forbiddenDetail: '',
    };
  }

  function isPodAllowed(levelVersion: LevelVersion, metadata: ObjectMeta, spec: PodSpec): boolean {
    const band = bandFor(levelVersion);
    const fns = band.fns;
    if (fns.length === 0) return true;
    const flags = band.scan(spec);
    for (let i = 0; i < fns.length; i++) {
      if (!fns[i]!(metadata, spec, flags).allowed) return false;
    }
    return true;
  }

  return Object.freeze({
    maxVersion: majorMinor(maxMinor),
    evaluatePod,
    isPodAllowed,
    checksAt: (levelVersion: LevelVersion) => bandFor(levelVersion).ids,
  });
}

// The slow path, entered at the first forbidden check: finishes the loop and builds results and strings.
function evaluateRest(
  levelVersion: LevelVersion,
  band: Band,
  firstForbidden: number,
  firstResult: CheckResult,
  metadata: ObjectMeta,
  spec: PodSpec,
  flags: number,
): PodEvaluation {
  // Copied by a loop: slice() on a frozen array takes a slow generic path in V8.
  const results: PerCheckResult[] = [];
  for (let i = 0; i < firstForbidden; i++) results.push(band.allowedResults[i]!);
  const violations: Violation[] = [];
  let forbiddenReason = '';
  let forbiddenDetail = '';
  for (let i = firstForbidden; i < band.fns.length; i++) {
    const checkId = band.ids[i]!;
    const result = i === firstForbidden ? firstResult : band.fns[i]!(metadata, spec, flags);
    if (result.allowed) {
      results.push(band.allowedResults[i]!);
      continue;
    }
    results.push({ checkId, result });
    const reason = result.reason === '' ? UNKNOWN_REASON : result.reason;
    const detail = result.detail;
    violations.push({ checkId, reason, detail });
    const separator = violations.length === 1 ? '' : ', ';
    forbiddenReason += separator + reason;
    forbiddenDetail += separator + (detail === '' ? reason : `${reason} (${detail})`);
  }
  return { levelVersion, allowed: false, results, violations, forbiddenReason, forbiddenDetail };
}

/** The evaluator over the built-in checks, with no emulation version (as the standalone webhook runs). */
export const defaultEvaluator: Evaluator = createEvaluator(defaultChecks);

/** Evaluates a pod (metadata and spec, or a workload's pod template) with the built-in checks. */
export function evaluatePod(levelVersion: LevelVersion, metadata: ObjectMeta, spec: PodSpec): PodEvaluation {
  return defaultEvaluator.evaluatePod(levelVersion, metadata, spec);
}

/** Whether the pod passes at `levelVersion` with the built-in checks. */
export function isPodAllowed(levelVersion: LevelVersion, metadata: ObjectMeta, spec: PodSpec): boolean {
  return defaultEvaluator.isPodAllowed(levelVersion, metadata, spec);
}

/** The built-in check IDs run at `levelVersion`, in evaluation order. */
export function checksAt(levelVersion: LevelVersion): readonly string[] {
  return defaultEvaluator.checksAt(levelVersion);
}
