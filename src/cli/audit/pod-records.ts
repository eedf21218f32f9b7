/**
 * What `psa audit -o policyreport` keeps per pod for its per-pod results, and nothing more: the pod's name and uid,
 * its top owner as an index into the namespace's owner table (-1: the pod is its own owner), and per role (the
 * enforce level, and the stricter of warn/audit) the index of its violation set in the namespace's table of distinct
 * violation sets. Pods of one owner share their violations, so the tables grow with owners; the pod object itself is
 * dropped as soon as it is evaluated. Kept only when per-pod results are asked for: the other outputs use the
 * aggregates alone.
 */
import type { Violation } from '../../policy/index.ts';
import type { OwnerRef } from './owners.ts';

/** `enforce` / `flag` set index of a pod that violates nothing in that role. */
export const NO_VIOLATIONS = -1;
/** `enforce` set index of a pod whose runtime class is exempt (its `flag` is the index of that runtime class). */
export const EXEMPT_RUNTIME_CLASS = -2;

/** One pod as the per-pod report sees it. */
export interface PodRecord {
  readonly name: string;
  /** Empty when the source did not give one. */
  readonly uid: string;
  readonly owner: OwnerRef;
  /** What the namespace's enforce level refuses (empty: nothing). */
  readonly enforce: readonly Violation[];
  /** What its stricter warn/audit level flags (empty: nothing, or no stricter level). */
  readonly flag: readonly Violation[];
  /** The exempt runtime class the pod runs under, if it does (admission skips it). */
  readonly exemptRuntimeClass?: string;
}

/** The pods of one namespace, in parallel arrays of strings and small integers. */
export class NamespacePods {
  readonly #names: string[] = [];
  readonly #uids: string[] = [];
  readonly #owners: number[] = [];
  readonly #enforce: number[] = [];
  readonly #flag: number[] = [];
  readonly #ownerTable: OwnerRef[] = [];
  readonly #ownerIndex = new Map<string, number>();
  readonly #sets: (readonly Violation[])[] = [];
  readonly #setIndex = new Map<string, number>();
  readonly #runtimeClasses: readonly string[];
  /** The roles the violations are recorded for. */
  readonly roles: PodRoles;

  /** `runtimeClasses`: the exempt runtime classes, which exempt pods refer to by index. */
  constructor(roles: PodRoles, runtimeClasses: readonly string[]) {
    this.roles = roles;
    this.#runtimeClasses = runtimeClasses;
  }

  get size(): number {
    return this.#names.length;
  }

  /** Records a pod with its violations in each role (undefined: none). */
  add(
    name: string,
    uid: string,
    owner: OwnerRef,
    enforce: ViolationSet | undefined,
    flag: ViolationSet | undefined,
  ): void {
    this.#push(name, uid, owner, this.#set(enforce), this.#set(flag));
  }

  /** Records a pod of an exempt runtime class (one of the classes given to the constructor). */
  addExempt(name: string, uid: string, owner: OwnerRef, runtimeClass: string): void {
    this.#push(name, uid, owner, EXEMPT_RUNTIME_CLASS, Math.max(0, this.#runtimeClasses.indexOf(runtimeClass)));
  }

  #push(name: string, uid: string, owner: OwnerRef, enforce: number, flag: number): void {
    this.#names.push(name);
    this.#uids.push(uid);
    this.#owners.push(this.#owner(name, owner));
    this.#enforce.push(enforce);
    this.#flag.push(flag);
  }

  #owner(podName: string, owner: OwnerRef): number {
    if (owner.kind === 'Pod' && owner.name === podName) return -1;
    const key = `${owner.kind}/${owner.name}`;
    let index = this.#ownerIndex.get(key);
    if (index === undefined) {
      index = this.#ownerTable.length;
      this.#ownerTable.push({ kind: owner.kind, name: owner.name });
      this.#ownerIndex.set(key, index);
    }
    return index;
  }

  #set(set: ViolationSet | undefined): number {
    if (set === undefined || set.violations.length === 0) return NO_VIOLATIONS;
    let index = this.#setIndex.get(set.key);
    if (index === undefined) {
      index = this.#sets.length;
      this.#sets.push(set.violations);
      this.#setIndex.set(set.key, index);
    }
    return index;
  }

  /** The pods sorted by name (code point order), then uid: the same report whatever order the pages came in. */
  *records(): Generator<PodRecord> {
    const order = Array.from(this.#names.keys()).sort((a, b) => {
      const [na, nb] = [this.#names[a]!, this.#names[b]!];
      if (na !== nb) return na < nb ? -1 : 1;
      const [ua, ub] = [this.#uids[a]!, this.#uids[b]!];
      return ua < ub ? -1 : ua > ub ? 1 : 0;
    });
    for (const i of order) {
      const name = this.#names[i]!;
      const ownerIndex = this.#owners[i]!;
      const owner = ownerIndex === -1 ? { kind: 'Pod', name } : this.#ownerTable[ownerIndex]!;
      const enforce = this.#enforce[i]!;
      const flag = this.#flag[i]!;
      const exempt = enforce === EXEMPT_RUNTIME_CLASS;
      const violations = (set: number): readonly Violation[] =>
        exempt || set === NO_VIOLATIONS ? [] : this.#sets[set]!;
      yield {
        name,
        uid: this.#uids[i]!,
        owner,
        enforce: violations(enforce),
        flag: violations(flag),
        ...(exempt ? { exemptRuntimeClass: this.#runtimeClasses[flag] ?? '' } : {}),
      };
    }
  }
}

/** The namespace's levels a pod's violations are recorded at. */
export interface PodRoles {
  /** The enforce level (`baseline:latest`). */
  readonly enforce: string;
  /** The stricter of warn and audit, when it flags more than enforce (`restricted:latest`). */
  readonly flag?: string;
  /** Which modes the flag level is: `warn`, `audit` or `warn, audit`. */
  readonly flagModes?: string;
}

/** A pod's violations in one role, with a key that identifies the set (equal keys: equal violations). */
export interface ViolationSet {
  readonly key: string;
  readonly violations: readonly Violation[];
}
