/**
 * Namespace-specific outputs (spec §5.8): the warnings from evaluating existing pods when enforce tightens (§5.8.1),
 * and the exempt-namespace warning (§5.8.2).
 */
import { formatLevelVersion, LabelKeys } from '../api/index.ts';
import type { LevelVersion } from '../api/index.ts';
import { compareGoStrings, goQuote } from './go-text.ts';
import { isEquivalentPolicy, isFullyPrivileged } from './policy.ts';
import type { Clock, ListedPod, PodEvaluator, PodLister, Policy } from './types.ts';

export const LIST_PODS_FAILED = 'failed to list pods while checking new PodSecurity enforce level';

export interface ExistingPodsContext {
  readonly pods: PodLister;
  readonly evaluator: PodEvaluator;
  readonly clock: Clock;
  readonly maxPods: number;
  /** The default budget in ms (upstream: 1 s). */
  readonly timeoutMs: number;
  /** The request deadline (epoch ms), if any: the budget is then at most half the remaining time. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  readonly isExemptRuntimeClass: (name: string | undefined) => boolean;
}

/** Drops pods with an exempt runtime class; puts one pod per controller (and uncontrolled pods) first. */
export function prioritizePods(
  pods: readonly ListedPod[],
  isExemptRuntimeClass: (name: string | undefined) => boolean,
): ListedPod[] {
  const first: ListedPod[] = [];
  const rest: ListedPod[] = [];
  const seen = new Set<string>();
  for (const pod of pods) {
    if (isExemptRuntimeClass(pod.spec.runtimeClassName)) continue;
    const owner = pod.metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (owner === undefined) {
      first.push(pod);
      continue;
    }
    const uid = owner.uid ?? '';
    if (seen.has(uid)) {
      rest.push(pod);
      continue;
    }
    seen.add(uid);
    first.push(pod);
  }
  for (const pod of rest) first.push(pod);
  return first;
}

/** The existing-pod time budget: passed when the deadline is reached or the caller's signal aborts (polled; no timers). */
class Budget {
  readonly #clock: Clock;
  readonly #deadline: number;
  readonly #parent: AbortSignal | undefined;

  constructor(clock: Clock, deadline: number, parent: AbortSignal | undefined) {
    this.#clock = clock;
    this.#deadline = deadline;
    this.#parent = parent;
  }

  get deadline(): number {
    return this.#deadline;
  }

  exceeded(): boolean {
    return (this.#parent?.aborted ?? false) || this.#clock() >= this.#deadline;
  }
}

/**
 * Lists and evaluates the namespace's pods against the new enforce level and returns upstream's warnings: the
 * truncation notice, the header, then one line per distinct set of reasons, sorted.
 */
export async function evaluatePodsInNamespace(
  namespace: string,
  enforce: LevelVersion,
  ctx: ExistingPodsContext,
): Promise<string[]> {
  const now = ctx.clock();
  let timeout = ctx.timeoutMs;
  if (ctx.deadline !== undefined) {
    const half = (ctx.deadline - now) / 2;
    if (timeout > half) timeout = half;
  }
  const budget = new Budget(ctx.clock, now + timeout, ctx.signal);

  let listed: readonly ListedPod[];
  try {
    if (budget.exceeded()) return [LIST_PODS_FAILED];
    listed = await ctx.pods.listPods(namespace, ctx.signal, budget.deadline);
  } catch {
    return [LIST_PODS_FAILED];
  }
  // Upstream's listing is bound to the budget's context, so a listing that overran it would have failed.
  if (budget.exceeded()) return [LIST_PODS_FAILED];

  let pods = prioritizePods(listed, ctx.isExemptRuntimeClass);
  const totalPods = pods.length;
  if (pods.length > ctx.maxPods) pods = pods.slice(0, ctx.maxPods);

  const tally = new ViolationTally();
  let checkedPods = pods.length;
  for (let i = 0; i < pods.length; i++) {
    const pod = pods[i]!;
    const result = ctx.evaluator.evaluatePod(enforce, pod.metadata, pod.spec);
    if (!result.allowed) tally.add(pod.metadata.name ?? '', result.forbiddenReason);
    if (budget.exceeded()) {
      checkedPods = i + 1;
      break;
    }
  }

  const warnings: string[] = [];
  if (checkedPods < totalPods) {
    warnings.push(
      `new PodSecurity enforce level only checked against the first ${checkedPods} of ${totalPods} existing pods`,
    );
  }
  for (const line of tally.warnings(namespace, enforce)) warnings.push(line);
  return warnings;
}

/**
 * Upstream's grouping of existing pods that a new enforce level refuses: one entry per distinct forbidden reason (the
 * joined reasons of a pod), with the count and the smallest pod name. Memory is one entry per distinct reason set,
 * however many pods are added. Shared by the webhook, `psa namespace dry-run` and `psa audit`.
 */
export class ViolationTally {
  readonly #counts = new Map<string, { name: string; count: number }>();

  /** Records a refused pod: its name and its evaluation's `forbiddenReason`. */
  add(podName: string, forbiddenReason: string): void {
    const entry = this.#counts.get(forbiddenReason);
    if (entry === undefined) {
      this.#counts.set(forbiddenReason, { name: podName, count: 1 });
      return;
    }
    if (compareGoStrings(podName, entry.name) < 0) entry.name = podName;
    entry.count++;
  }

  /** Pods added. */
  get pods(): number {
    let n = 0;
    for (const entry of this.#counts.values()) n += entry.count;
    return n;
  }

  /** The warnings upstream returns for labelling `namespace` enforce=`enforce`: the header, then the sorted lines. */
  warnings(namespace: string, enforce: LevelVersion): string[] {
    if (this.#counts.size === 0) return [];
    const lines: string[] = [];
    for (const [reason, entry] of this.#counts) {
      if (entry.count === 1) lines.push(`${entry.name}: ${reason}`);
      else if (entry.count === 2) lines.push(`${entry.name} (and 1 other pod): ${reason}`);
      else lines.push(`${entry.name} (and ${entry.count - 1} other pods): ${reason}`);
    }
    lines.sort(compareGoStrings);
    return [
      `existing pods in namespace ${goQuote(namespace)} violate the new PodSecurity enforce level ${goQuote(formatLevelVersion(enforce))}`,
      ...lines,
    ];
  }
}

/**
 * The warning for an exempt namespace whose labels set a non-privileged, non-default policy (§5.8.2); empty when none
 * is due.
 */
export function exemptNamespaceWarning(
  name: string,
  policy: Policy,
  labels: Readonly<Record<string, string>> | undefined,
  defaults: Policy,
): string {
  if (isFullyPrivileged(policy) || isEquivalentPolicy(policy, defaults)) return '';
  const has = (key: string): boolean => labels !== undefined && Object.hasOwn(labels, key);
  const parts: string[] = [];
  if (policy.enforce.level !== 'privileged' && (has(LabelKeys.enforce) || has(LabelKeys.enforceVersion))) {
    parts.push(`enforce=${formatLevelVersion(policy.enforce)}`);
  }
  if (policy.audit.level !== 'privileged' && (has(LabelKeys.audit) || has(LabelKeys.auditVersion))) {
    parts.push(`audit=${formatLevelVersion(policy.audit)}`);
  }
  if (policy.warn.level !== 'privileged' && (has(LabelKeys.warn) || has(LabelKeys.warnVersion))) {
    parts.push(`warn=${formatLevelVersion(policy.warn)}`);
  }
  return `namespace ${goQuote(name)} is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`;
}
