/**
 * A pod's top owner, the object an operator edits: a Deployment (through its ReplicaSet), a StatefulSet, a DaemonSet,
 * a CronJob (through its Job), a ReplicaSet or Job of its own, a ReplicationController, or the bare pod.
 */
import type { ObjectMeta } from '../../k8s/index.ts';

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

/** The kinds whose controller owner (if any) is the top owner of their pods. */
const INTERMEDIATE: Readonly<Record<string, string>> = { ReplicaSet: 'Deployment', Job: 'CronJob' };

/**
 * Maps ReplicaSets and Jobs to their controllers, from the workload lists. Only owned ReplicaSets and Jobs are kept
 * (uid to owner name): memory grows with the workloads, never with the pods.
 */
export class OwnerIndex {
  readonly #parents = new Map<string, OwnerRef>();

  /** Records a listed workload; only a ReplicaSet or Job with a Deployment or CronJob controller matters. */
  addWorkload(kind: string, metadata: ObjectMeta): void {
    const parentKind = INTERMEDIATE[kind];
    if (parentKind === undefined || metadata.uid === undefined) return;
    const controller = metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (controller?.kind !== parentKind || controller.name === undefined) return;
    this.#parents.set(metadata.uid, { kind: parentKind, name: controller.name });
  }

  get size(): number {
    return this.#parents.size;
  }

  /**
   * The pod's top owner. A ReplicaSet missing from the index (not listed: no permission, or `--from` without it)
   * falls back to the Deployment naming convention: the ReplicaSet is `<deployment>-<pod-template-hash>`.
   */
  ownerOf(pod: ObjectMeta): OwnerRef {
    const controller = pod.ownerReferences?.find((ref) => ref.controller === true);
    if (controller === undefined || controller.kind === undefined || controller.name === undefined)
      return { kind: 'Pod', name: pod.name ?? '' };
    const parent = controller.uid === undefined ? undefined : this.#parents.get(controller.uid);
    if (parent !== undefined) return parent;
    if (controller.kind === 'ReplicaSet') {
      const hash = pod.labels?.['pod-template-hash'];
      if (hash !== undefined && hash !== '' && controller.name.endsWith(`-${hash}`))
        return { kind: 'Deployment', name: controller.name.slice(0, -hash.length - 1) };
    }
    return { kind: controller.kind, name: controller.name };
  }
}
