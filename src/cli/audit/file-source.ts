/**
 * Reads an audit's objects from `kubectl get ns,pods,deploy,... -A -o yaml|json` dumps (`--from FILE|DIR|-`): List
 * kinds or single objects, any order. Files are read twice (namespaces and workloads, then pods) so a pod is
 * evaluated against its namespace and owners wherever they sit in the dump and no pod is kept; standard input can
 * only be read once, so its pods wait in memory until the end.
 */
import type { ObjectMeta, PodSpec } from '../../k8s/index.ts';
import type { ReadOptions } from '../input/documents.ts';
import { formatProblem } from '../output/text.ts';
import { fieldIssueProblems, readManifests, type PipelineItem } from '../pipeline.ts';
import type { AuditSource, SourceNamespace, SourceWorkload } from './run-audit.ts';

export interface FileSourceOptions {
  readonly paths: readonly string[];
  /** The paths as the user gave them, for the report. */
  readonly shownPaths?: readonly string[];
  readonly read: ReadOptions;
  readonly onError: (message: string) => void;
  /** `--selector` applied to the pods read. */
  readonly selector?: ((labels: Readonly<Record<string, string>>) => boolean) | undefined;
}

interface PodItem {
  readonly namespace: string;
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}

export function createFileSource(options: FileSourceOptions): AuditSource {
  const once = options.paths.includes('-');
  const namespaces: SourceNamespace[] = [];
  const workloads: SourceWorkload[] = [];
  const buffered: PodItem[] = [];
  let firstPass: Promise<void> | undefined;

  const report = (item: PipelineItem): boolean => {
    if (item.type === 'problem') {
      options.onError(formatProblem(item.problem));
      return true;
    }
    if ((item.type === 'pod-bearing' || item.type === 'namespace') && item.issues.length > 0) {
      for (const problem of fieldIssueProblems(item.object, item.issues)) options.onError(formatProblem(problem));
      return true;
    }
    return false;
  };

  /** Pass one: namespaces and workloads (and, reading stdin, the pods too). */
  const readStructure = async (): Promise<void> => {
    for await (const item of readManifests(options.paths, options.read)) {
      if (report(item)) continue;
      if (item.type === 'namespace') {
        namespaces.push({ name: item.metadata.name ?? '', labels: item.metadata.labels ?? {} });
      } else if (item.type === 'pod-bearing') {
        if (item.kind === 'Pod') {
          if (once && item.template !== null) buffered.push(podItem(item.metadata, item.template.spec));
        } else {
          workloads.push({
            apiVersion: item.apiVersion,
            kind: item.kind,
            metadata: item.metadata,
            template: item.template,
          });
        }
      }
    }
  };
  const structure = (): Promise<void> => (firstPass ??= readStructure());

  const podItem = (metadata: ObjectMeta, spec: PodSpec): PodItem => ({
    namespace: metadata.namespace ?? 'default',
    metadata,
    spec,
  });
  const selected = (metadata: ObjectMeta): boolean => options.selector?.(metadata.labels ?? {}) ?? true;

  return {
    description: `files ${(options.shownPaths ?? options.paths).join(', ')}`,
    async namespaces(visit, page) {
      await structure();
      for (const ns of namespaces) visit(ns);
      page();
    },
    async workloads(visit, page) {
      await structure();
      for (const workload of workloads) visit(workload);
      page();
    },
    async pods(visit, page) {
      await structure();
      if (once) {
        for (const pod of buffered) if (selected(pod.metadata)) visit(pod.namespace, pod.metadata, pod.spec);
        buffered.length = 0;
        page();
        return;
      }
      // Pass two: only the pods (problems were reported in pass one).
      for await (const item of readManifests(options.paths, options.read)) {
        if (item.type !== 'pod-bearing' || item.kind !== 'Pod' || item.template === null || item.issues.length > 0)
          continue;
        if (!selected(item.metadata)) continue;
        const pod = podItem(item.metadata, item.template.spec);
        visit(pod.namespace, pod.metadata, pod.spec);
      }
      page();
    },
    close() {
      // nothing held open
    },
  };
}
