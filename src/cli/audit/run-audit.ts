/**
 * Drives an audit: namespaces first (their labels make each one's policy), then the workloads (top owners, and the
 * warnings applying them would draw), then the pods page by page into the aggregator. A source reports what it could
 * not read through `onError` and carries on; the audit is then marked incomplete.
 */
import type { AdmissionSettings } from '../../admission/index.ts';
import type { Version } from '../../api/index.ts';
import type { ObjectMeta, PodShape, PodSpec } from '../../k8s/index.ts';
import { Judge } from '../judge.ts';
import { AuditAggregator, type NamespaceAudit } from './aggregate.ts';
import { OwnerIndex } from './owners.ts';
import type { NamespacePods } from './pod-records.ts';

/** The workload kinds an audit lists (besides pods): their API paths and apiVersions. */
export const WORKLOAD_KINDS = [
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', resource: 'replicasets' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', resource: 'daemonsets' },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs' },
  { kind: 'CronJob', apiVersion: 'batch/v1', resource: 'cronjobs' },
  { kind: 'ReplicationController', apiVersion: 'v1', resource: 'replicationcontrollers' },
  { kind: 'PodTemplate', apiVersion: 'v1', resource: 'podtemplates' },
] as const;

export interface SourceNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface SourceWorkload {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly template: PodShape | null;
}

/** Progress so far, for the TTY progress line. */
export interface AuditProgress {
  readonly phase: 'namespaces' | 'workloads' | 'pods';
  readonly pages: number;
  readonly pods: number;
  readonly namespaces: number;
}

/** Where an audit reads from; each method calls `visit` per object and resolves when the list is read (or failed). */
export interface AuditSource {
  /** For the report header: `cluster https://... (context x)` or `files a.yaml, b.json`. */
  readonly description: string;
  namespaces(visit: (namespace: SourceNamespace) => void, page: () => void): Promise<void>;
  workloads(visit: (workload: SourceWorkload) => void, page: () => void): Promise<void>;
  pods(visit: (namespace: string, metadata: ObjectMeta, spec: PodSpec) => void, page: () => void): Promise<void>;
  close(): void;
}

export interface AuditOptions {
  readonly settings: AdmissionSettings;
  readonly version?: Version;
  /** `-n`: only this namespace. */
  readonly namespace?: string;
  readonly onProgress?: (progress: AuditProgress) => void;
  /** Keep a compact record per pod (for per-pod policy report results). */
  readonly keepPods?: boolean;
}

export interface AuditOutcome {
  readonly namespaces: readonly NamespaceAudit[];
  readonly pages: number;
  /** Per namespace, its pods' records when `keepPods` was asked for (empty otherwise). */
  readonly pods: ReadonlyMap<string, NamespacePods>;
}

/** Runs the audit over `source`; errors are the source's to report. */
export async function runAudit(source: AuditSource, options: AuditOptions): Promise<AuditOutcome> {
  const owners = new OwnerIndex();
  const aggregator = new AuditAggregator({
    settings: options.settings,
    owners,
    ...(options.version === undefined ? {} : { version: options.version }),
    keepPods: options.keepPods === true,
  });
  const wanted = (namespace: string): boolean => options.namespace === undefined || namespace === options.namespace;
  let pages = 0;
  let pods = 0;
  let namespaces = 0;
  const progress = (phase: AuditProgress['phase']) => () => {
    pages++;
    options.onProgress?.({ phase, pages, pods, namespaces });
  };

  await source.namespaces((ns) => {
    if (!wanted(ns.name)) return;
    namespaces++;
    aggregator.addNamespace(ns.name, ns.labels);
  }, progress('namespaces'));
  if (options.namespace !== undefined && !aggregator.hasNamespace(options.namespace))
    aggregator.addNamespace(options.namespace, {});

  // Workloads are judged against the labels read above: what applying each one now would draw.
  const judge = new Judge({
    settings: options.settings,
    defaultNamespace: 'default',
    namespaceLabels: aggregator.namespaceLabels(),
    username: '',
  });
  await source.workloads((workload) => {
    const namespace = workload.metadata.namespace ?? 'default';
    if (!wanted(namespace)) return;
    owners.addWorkload(workload.kind, workload.metadata);
    // Objects another controller manages (a Deployment's ReplicaSets, a CronJob's Jobs) are reported at the top.
    if (workload.metadata.ownerReferences?.some((ref) => ref.controller === true) === true) return;
    const verdict = judge.judge({
      file: '',
      index: 0,
      position: { line: 0, column: 0 },
      apiVersion: workload.apiVersion,
      kind: workload.kind,
      metadata: workload.metadata,
      template: workload.template,
      issues: [],
    });
    if (verdict.warnings.length > 0)
      aggregator.addWorkloadWarning(namespace, {
        kind: workload.kind,
        name: workload.metadata.name ?? '',
        warnings: verdict.warnings,
      });
  }, progress('workloads'));

  await source.pods((namespace, metadata, spec) => {
    if (!wanted(namespace)) return;
    pods++;
    aggregator.addPod(namespace, metadata, spec);
  }, progress('pods'));

  return { namespaces: aggregator.results(), pages, pods: aggregator.podRecords() };
}
