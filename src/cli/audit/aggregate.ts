/**
 * The audit's aggregation: namespaces and their pods in, per namespace and level the pods that level would refuse,
 * why, and whose they are. Pods are added one at a time as pages arrive and dropped at once; what is kept per
 * namespace is counters, one entry per owner and per reason, and a few example pod names per reason.
 */
import {
  compareLevels,
  formatLevelVersion,
  LATEST,
  type Level,
  type LevelVersion,
  type Version,
  versionEquals,
} from '../../api/index.ts';
import {
  formatFieldErrors,
  policyToEvaluate,
  ViolationTally,
  type AdmissionSettings,
  type Policy,
} from '../../admission/index.ts';
import type { ObjectMeta, PodSpec } from '../../k8s/index.ts';
import { defaultEvaluator, type PodEvaluation, type Violation } from '../../policy/index.ts';
import { compareCodePoints } from '../input/sources.ts';
import type { OwnerIndex, OwnerRef } from './owners.ts';
import { NamespacePods, type PodRoles, type ViolationSet } from './pod-records.ts';

/** The levels an audit reports on, loosest first. */
export const AUDIT_LEVELS = ['privileged', 'baseline', 'restricted'] as const satisfies readonly Level[];
/** Example pod names kept per reason. */
export const EXAMPLES_PER_REASON = 3;
/** Owners listed per namespace and level; the rest are summed into one "other owners" row. */
export const MAX_OWNERS = 200;

export interface OwnerOutcome {
  readonly kind: string;
  readonly name: string;
  readonly pods: number;
  /** Per violated check reason (`runAsNonRoot != true`), the pods of this owner it applies to. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Per check ID, the pods of this owner it refuses. */
  readonly checks: Readonly<Record<string, number>>;
}

export interface LevelOutcome {
  /** Pods that would be refused if the namespace's enforce label were this level (at the level's version). */
  readonly refused: number;
  /** Per violated check reason, the pods it applies to. */
  readonly reasons: Readonly<Record<string, number>>;
  /** Per check ID, the pods it refuses. */
  readonly checks: Readonly<Record<string, number>>;
  /** Per check ID, its reason text (the first seen). */
  readonly checkReasons: Readonly<Record<string, string>>;
  /** Up to three refused pod names per reason (the first in code point order). */
  readonly examples: Readonly<Record<string, readonly string[]>>;
  /** The refused pods by top owner, most pods first. */
  readonly owners: readonly OwnerOutcome[];
  /** What `kubectl label --dry-run=server --overwrite ns enforce=<level>` prints (upstream's warnings, no pod cap). */
  readonly warnings: readonly string[];
}

export interface WorkloadWarning {
  readonly kind: string;
  readonly name: string;
  /** What the API server would answer when the workload is applied now (warnings at the current labels). */
  readonly warnings: readonly string[];
}

export interface NamespaceAudit {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Exempt by the cluster configuration: nothing is enforced (the pods are still counted). */
  readonly exempt: boolean;
  /** The effective policy: labels on top of the configured defaults. */
  readonly current: { readonly enforce: string; readonly warn: string; readonly audit: string };
  /** `Failed to parse policy: ...` when a label is invalid (the fallback policy is shown). */
  readonly policyError?: string;
  /** Pods evaluated (pods of exempt runtime classes are not: admission skips them). */
  readonly pods: number;
  readonly exemptRuntimeClassPods: number;
  /** The strictest level every evaluated pod meets at `latest` (`restricted` with no pods). */
  readonly strictestLevel: Level;
  /** Pods the current enforce policy would refuse (0 for an exempt namespace). */
  readonly refusedAtCurrent: number;
  /** Per level at `latest`. */
  readonly levels: Readonly<Record<Level, LevelOutcome>>;
  /** Per level at `--version`, when given (key: the version, e.g. `v1.30`). */
  readonly versions?: Readonly<Record<string, Readonly<Record<Level, LevelOutcome>>>>;
  readonly workloads: readonly WorkloadWarning[];
}

/**
 * The pods refused for one set of reasons (one `forbiddenReason`): pods of one owner almost always share it, so a pod
 * costs one map update per level, and per-reason and per-check figures are expanded once at the end.
 */
interface ReasonSet {
  pods: number;
  readonly violations: readonly Violation[];
  /** The smallest refused pod names. */
  readonly examples: string[];
}

interface LevelAccumulator {
  readonly levelVersion: LevelVersion;
  refused: number;
  readonly sets: Map<string, ReasonSet>;
  readonly owners: Map<string, OwnerAccumulator>;
  readonly tally: ViolationTally;
}

interface OwnerAccumulator {
  readonly kind: string;
  readonly name: string;
  pods: number;
  /** Pods per reason set (`forbiddenReason`). */
  readonly sets: Map<string, number>;
}

interface NamespaceAccumulator {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly exempt: boolean;
  readonly policy: Policy;
  readonly policyError: string | undefined;
  pods: number;
  exemptRuntimeClassPods: number;
  strictest: Level;
  refusedAtCurrent: number;
  readonly levels: readonly LevelAccumulator[];
  readonly versioned: readonly LevelAccumulator[];
  readonly workloads: WorkloadWarning[];
  /** Per pod, what the per-pod report needs (only when asked for). */
  readonly records: NamespacePods | undefined;
  /** The role beside enforce whose violations are reported as warnings: the stricter of warn and audit, if any. */
  readonly flag: LevelVersion | undefined;
}

function newLevel(levelVersion: LevelVersion): LevelAccumulator {
  return {
    levelVersion,
    refused: 0,
    sets: new Map(),
    owners: new Map(),
    tally: new ViolationTally(),
  };
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

export interface AggregatorOptions {
  readonly settings: AdmissionSettings;
  /** `--version`: also evaluate every level at this version. */
  readonly version?: Version;
  readonly owners: OwnerIndex;
  /** Keep a compact record per pod for `-o policyreport` with per-pod results (see pod-records.ts). */
  readonly keepPods?: boolean;
}

/**
 * The level beside enforce whose findings are warnings: the stricter of warn and audit (warn on a tie), unless it is
 * privileged, looser than enforce, or enforce itself.
 */
function flagRole(policy: Policy): LevelVersion | undefined {
  const { enforce, warn, audit } = policy;
  const flag = compareLevels(audit.level, warn.level) > 0 ? audit : warn;
  if (flag.level === 'privileged' || compareLevels(flag.level, enforce.level) < 0) return undefined;
  if (flag.level === enforce.level && versionEquals(flag.version, enforce.version)) return undefined;
  return flag;
}

function podRoles(policy: Policy, flag: LevelVersion | undefined): PodRoles {
  const enforce = formatLevelVersion(policy.enforce);
  if (flag === undefined) return { enforce };
  const same = (lv: LevelVersion): boolean => lv.level === flag.level && versionEquals(lv.version, flag.version);
  const modes = [same(policy.warn) ? 'warn' : '', same(policy.audit) ? 'audit' : ''].filter((m) => m !== '');
  return { enforce, flag: formatLevelVersion(flag), flagModes: modes.join(', ') };
}

/** Accumulates namespaces and pods into per-namespace outcomes. */
export class AuditAggregator {
  readonly #options: AggregatorOptions;
  readonly #namespaces = new Map<string, NamespaceAccumulator>();
  readonly #latest: Version = LATEST;

  constructor(options: AggregatorOptions) {
    this.#options = options;
  }

  /** Registers a namespace (before its pods). Adding it again replaces its labels only if it has no pods yet. */
  addNamespace(name: string, labels: Readonly<Record<string, string>>): void {
    const existing = this.#namespaces.get(name);
    if (existing !== undefined && existing.pods > 0) return;
    const { settings, version } = this.#options;
    const { policy, errors } = policyToEvaluate(labels, settings.defaults);
    const flag = flagRole(policy);
    this.#namespaces.set(name, {
      name,
      labels,
      exempt: settings.exemptions.namespaces.includes(name),
      policy,
      policyError: errors.length > 0 ? `Failed to parse policy: ${formatFieldErrors(errors)}` : undefined,
      pods: 0,
      exemptRuntimeClassPods: 0,
      strictest: 'restricted',
      refusedAtCurrent: 0,
      levels: AUDIT_LEVELS.map((level) => newLevel({ level, version: this.#latest })),
      versioned: version === undefined ? [] : AUDIT_LEVELS.map((level) => newLevel({ level, version })),
      workloads: [],
      records:
        this.#options.keepPods === true
          ? new NamespacePods(podRoles(policy, flag), settings.exemptions.runtimeClasses)
          : undefined,
      flag,
    });
  }

  hasNamespace(name: string): boolean {
    return this.#namespaces.has(name);
  }

  /** Every namespace added so far with its labels. */
  namespaceLabels(): Map<string, Readonly<Record<string, string>>> {
    return new Map([...this.#namespaces.values()].map((ns) => [ns.name, ns.labels]));
  }

  addWorkloadWarning(namespace: string, warning: WorkloadWarning): void {
    this.#namespaces.get(namespace)?.workloads.push(warning);
  }

  /**
   * Evaluates one pod of a namespace added earlier (a pod of an unknown namespace is added with its namespace's
   * default policy). The pod's metadata and spec are not kept.
   */
  addPod(namespace: string, metadata: ObjectMeta, spec: PodSpec): void {
    let ns = this.#namespaces.get(namespace);
    if (ns === undefined) {
      this.addNamespace(namespace, {});
      ns = this.#namespaces.get(namespace)!;
    }
    const rc = spec.runtimeClassName;
    if (rc !== undefined && rc !== '' && this.#options.settings.exemptions.runtimeClasses.includes(rc)) {
      ns.exemptRuntimeClassPods++;
      ns.records?.addExempt(metadata.name ?? '', metadata.uid ?? '', this.#options.owners.ownerOf(metadata), rc);
      return;
    }
    ns.pods++;
    // Most pods pass: the short-circuiting check builds no strings. (A pod can pass restricted and fail baseline:
    // restricted replaces some baseline checks, so both are evaluated.)
    const [, baselineLevel, restrictedLevel] = ns.levels;
    const restricted = this.#evaluate(restrictedLevel!.levelVersion, metadata, spec);
    const baseline = this.#evaluate(baselineLevel!.levelVersion, metadata, spec);
    let owner: OwnerRef | undefined;
    if (restricted !== ALLOWED) {
      owner = this.#options.owners.ownerOf(metadata);
      recordRefusal(restrictedLevel!, metadata.name ?? '', owner, restricted);
    }
    if (baseline !== ALLOWED) {
      owner ??= this.#options.owners.ownerOf(metadata);
      recordRefusal(baselineLevel!, metadata.name ?? '', owner, baseline);
    }
    for (const level of ns.versioned) {
      if (level.levelVersion.level === 'privileged') continue;
      const result = this.#evaluate(level.levelVersion, metadata, spec);
      if (result === ALLOWED) continue;
      owner ??= this.#options.owners.ownerOf(metadata);
      recordRefusal(level, metadata.name ?? '', owner, result);
    }
    const strictest: Level = restricted === ALLOWED ? 'restricted' : baseline === ALLOWED ? 'baseline' : 'privileged';
    if (levelRank(strictest) < levelRank(ns.strictest)) ns.strictest = strictest;
    if (!ns.exempt && !this.#allowedAtCurrent(ns.policy.enforce, metadata, spec, baseline, restricted))
      ns.refusedAtCurrent++;
    if (ns.records !== undefined) {
      owner ??= this.#options.owners.ownerOf(metadata);
      const at = (lv: LevelVersion | undefined): ViolationSet | undefined =>
        ns.exempt || lv === undefined ? undefined : this.#violationsAt(lv, metadata, spec, baseline, restricted);
      ns.records.add(metadata.name ?? '', metadata.uid ?? '', owner, at(ns.policy.enforce), at(ns.flag));
    }
  }

  /** The pod's violations at `lv`, reusing the evaluations at `latest`. */
  #violationsAt(
    lv: LevelVersion,
    metadata: ObjectMeta,
    spec: PodSpec,
    baseline: PodEvaluation | typeof ALLOWED,
    restricted: PodEvaluation | typeof ALLOWED,
  ): ViolationSet | undefined {
    if (lv.level === 'privileged') return undefined;
    const result = lv.version.latest
      ? lv.level === 'baseline'
        ? baseline
        : restricted
      : this.#evaluate(lv, metadata, spec);
    if (result === ALLOWED) return undefined;
    return { key: `${formatLevelVersion(lv)} ${result.forbiddenDetail}`, violations: result.violations };
  }

  /** Per namespace, the pods kept for the per-pod report (empty unless `keepPods`). */
  podRecords(): ReadonlyMap<string, NamespacePods> {
    const out = new Map<string, NamespacePods>();
    for (const ns of this.#namespaces.values()) if (ns.records !== undefined) out.set(ns.name, ns.records);
    return out;
  }

  #evaluate(lv: LevelVersion, metadata: ObjectMeta, spec: PodSpec): PodEvaluation | typeof ALLOWED {
    return defaultEvaluator.isPodAllowed(lv, metadata, spec)
      ? ALLOWED
      : defaultEvaluator.evaluatePod(lv, metadata, spec);
  }

  /** Whether the namespace's current enforce policy admits the pod, reusing the evaluations at `latest`. */
  #allowedAtCurrent(
    enforce: LevelVersion,
    metadata: ObjectMeta,
    spec: PodSpec,
    baseline: PodEvaluation | typeof ALLOWED,
    restricted: PodEvaluation | typeof ALLOWED,
  ): boolean {
    if (enforce.level === 'privileged') return true;
    if (enforce.version.latest) return (enforce.level === 'baseline' ? baseline : restricted) === ALLOWED;
    return defaultEvaluator.isPodAllowed(enforce, metadata, spec);
  }

  /** The outcomes, namespaces sorted by name. */
  results(): NamespaceAudit[] {
    const names = [...this.#namespaces.keys()].sort(compareCodePoints);
    return names.map((name) => this.#result(this.#namespaces.get(name)!));
  }

  #result(ns: NamespaceAccumulator): NamespaceAudit {
    const byLevel = (levels: readonly LevelAccumulator[]): Record<Level, LevelOutcome> => {
      const out = {} as Record<Level, LevelOutcome>;
      for (const level of levels) out[level.levelVersion.level] = levelOutcome(ns.name, level);
      return out;
    };
    const version = this.#options.version;
    return {
      name: ns.name,
      labels: ns.labels,
      exempt: ns.exempt,
      current: {
        enforce: formatLevelVersion(ns.policy.enforce),
        warn: formatLevelVersion(ns.policy.warn),
        audit: formatLevelVersion(ns.policy.audit),
      },
      ...(ns.policyError === undefined ? {} : { policyError: ns.policyError }),
      pods: ns.pods,
      exemptRuntimeClassPods: ns.exemptRuntimeClassPods,
      strictestLevel: ns.strictest,
      refusedAtCurrent: ns.refusedAtCurrent,
      levels: byLevel(ns.levels),
      ...(version === undefined || versionEquals(version, this.#latest)
        ? {}
        : { versions: { [version.text]: byLevel(ns.versioned) } }),
      workloads: [...ns.workloads].sort(
        (a, b) => compareCodePoints(a.kind, b.kind) || compareCodePoints(a.name, b.name),
      ),
    };
  }
}

/** The marker for an admitted pod (no evaluation kept). */
const ALLOWED = true;

function recordRefusal(level: LevelAccumulator, podName: string, owner: OwnerRef, result: PodEvaluation): void {
  level.refused++;
  const key = result.forbiddenReason;
  level.tally.add(podName, key);
  let set = level.sets.get(key);
  if (set === undefined) {
    set = { pods: 0, violations: result.violations, examples: [] };
    level.sets.set(key, set);
  }
  set.pods++;
  keepSmallest(set.examples, podName);
  const ownerKey = `${owner.kind}/${owner.name}`;
  let entry = level.owners.get(ownerKey);
  if (entry === undefined) {
    entry = { kind: owner.kind, name: owner.name, pods: 0, sets: new Map() };
    level.owners.set(ownerKey, entry);
  }
  entry.pods++;
  bump(entry.sets, key);
}

/** Per-reason and per-check pod counts of reason sets counted `count(key)` times. */
function expand(
  sets: ReadonlyMap<string, ReasonSet>,
  counts: Iterable<readonly [string, number]>,
): { reasons: Map<string, number>; checks: Map<string, number> } {
  const reasons = new Map<string, number>();
  const checks = new Map<string, number>();
  for (const [key, n] of counts) {
    for (const violation of sets.get(key)?.violations ?? []) {
      bump(reasons, violation.reason, n);
      bump(checks, violation.checkId, n);
    }
  }
  return { reasons, checks };
}

/** Keeps the EXAMPLES_PER_REASON smallest names, sorted: the same examples whatever order the pods come in. */
function keepSmallest(examples: string[], name: string): void {
  if (examples.length === EXAMPLES_PER_REASON && compareCodePoints(name, examples[examples.length - 1]!) >= 0) return;
  let i = examples.length;
  while (i > 0 && compareCodePoints(name, examples[i - 1]!) < 0) i--;
  examples.splice(i, 0, name);
  if (examples.length > EXAMPLES_PER_REASON) examples.pop();
}

function levelRank(level: Level): number {
  return AUDIT_LEVELS.indexOf(level);
}

/** Map entries as a plain object, largest count first, then by key. */
function sortedCounts(map: ReadonlyMap<string, number>): Record<string, number> {
  const entries = [...map].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
  return Object.fromEntries(entries);
}

function levelOutcome(namespace: string, level: LevelAccumulator): LevelOutcome {
  const sets = level.sets;
  const ownerOutcome = (
    kind: string,
    name: string,
    pods: number,
    counts: Iterable<readonly [string, number]>,
  ): OwnerOutcome => {
    const { reasons, checks } = expand(sets, counts);
    return { kind, name, pods, reasons: sortedCounts(reasons), checks: sortedCounts(checks) };
  };
  const owners = [...level.owners.values()].sort(
    (a, b) => b.pods - a.pods || compareCodePoints(a.kind, b.kind) || compareCodePoints(a.name, b.name),
  );
  const listed = owners.slice(0, MAX_OWNERS).map((o) => ownerOutcome(o.kind, o.name, o.pods, o.sets));
  if (owners.length > MAX_OWNERS) {
    const rest = new Map<string, number>();
    let pods = 0;
    for (const o of owners.slice(MAX_OWNERS)) {
      pods += o.pods;
      for (const [key, n] of o.sets) bump(rest, key, n);
    }
    listed.push(ownerOutcome('Other', `${owners.length - MAX_OWNERS} more owners`, pods, rest));
  }
  const { reasons, checks } = expand(
    sets,
    [...sets].map(([key, set]) => [key, set.pods] as const),
  );
  const checkReasons = new Map<string, string>();
  const examples = new Map<string, string[]>();
  for (const set of sets.values()) {
    for (const violation of set.violations) {
      if (!checkReasons.has(violation.checkId)) checkReasons.set(violation.checkId, violation.reason);
      let names = examples.get(violation.reason);
      if (names === undefined) {
        names = [];
        examples.set(violation.reason, names);
      }
      for (const name of set.examples) keepSmallest(names, name);
    }
  }
  const sortedReasons = sortedCounts(reasons);
  return {
    refused: level.refused,
    reasons: sortedReasons,
    checks: sortedCounts(checks),
    checkReasons: Object.fromEntries([...checkReasons].sort((a, b) => compareCodePoints(a[0], b[0]))),
    examples: Object.fromEntries(Object.keys(sortedReasons).map((reason) => [reason, examples.get(reason) ?? []])),
    owners: listed,
    warnings: level.levelVersion.level === 'privileged' ? [] : level.tally.warnings(namespace, level.levelVersion),
  };
}
