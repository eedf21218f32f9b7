/**
 * Policy reports: results as Kubernetes objects that Policy Reporter, Kyverno's tooling and other report consumers
 * read. Shared by `psa audit` and `psa audit-log`.
 *
 * API:
 * - `ReportApis.wgpolicy` (`wgpolicyk8s.io/v1alpha2`: `PolicyReport` per namespace, `ClusterPolicyReport` for results
 *   without a namespace) and `ReportApis.openreports` (`openreports.io/v1alpha1`: `Report` / `ClusterReport`, the
 *   successor API Kyverno >= 1.15 emits).
 * - `buildPolicyReports(results, {api, name, source?, labels?})` groups a neutral list of {@link ReportResultInput}
 *   by namespace (sorted by name, cluster-scoped first) and returns one report object per group with its `summary`
 *   counted from the results. `name` is the metadata.name of every report (e.g. `psa-audit`).
 * - `ReportResultInput`: `{namespace?, resource?: {apiVersion, kind, name, namespace?, uid?}, policy, rule, result,
 *   severity?, category?, message, properties?, timestamp: Date}`; `result` one of `ReportStatuses`, `severity` one
 *   of `ReportSeverities`. Results keep their input order within a report.
 * - `formatReportsYaml(reports)` / `formatReportsJson(reports)`: a multi-document YAML stream (`kubectl apply -f -`
 *   ready) or a `List` in JSON.
 * The objects match the CRDs' OpenAPI schemas (test/policy-report/schemas; tests validate with `reportSchemaErrors` from test/policy-report/validate.ts).
 */
import { stringify } from 'yaml';

export const ReportApis = {
  wgpolicy: 'wgpolicyk8s.io/v1alpha2',
  openreports: 'openreports.io/v1alpha1',
} as const;
export type ReportApi = (typeof ReportApis)[keyof typeof ReportApis];

export const ReportStatuses = { pass: 'pass', fail: 'fail', warn: 'warn', error: 'error', skip: 'skip' } as const;
export type ReportStatus = (typeof ReportStatuses)[keyof typeof ReportStatuses];

export const ReportSeverities = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  info: 'info',
} as const;
export type ReportSeverity = (typeof ReportSeverities)[keyof typeof ReportSeverities];

/** The apiVersion of the kinds a report's resources can be (pods and the workloads that own them). */
export const WORKLOAD_API_VERSIONS: Readonly<Record<string, string>> = {
  Pod: 'v1',
  ReplicationController: 'v1',
  PodTemplate: 'v1',
  Deployment: 'apps/v1',
  ReplicaSet: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
}

export interface ReportResultInput {
  /** The report the result goes into; absent for cluster-scoped results. */
  readonly namespace?: string;
  readonly resource?: ResourceRef;
  readonly policy: string;
  readonly rule: string;
  readonly result: ReportStatus;
  readonly severity?: ReportSeverity;
  readonly category?: string;
  readonly message: string;
  /** String values only (the CRD says so). */
  readonly properties?: Readonly<Record<string, string>>;
  readonly timestamp: Date;
}

export interface ReportSummary {
  pass: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
}

export interface ReportResultObject {
  readonly source: string;
  readonly policy: string;
  readonly rule: string;
  readonly category?: string;
  readonly severity?: ReportSeverity;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly result: ReportStatus;
  readonly scored: boolean;
  readonly resources?: readonly ResourceRef[];
  readonly message: string;
  readonly properties?: Readonly<Record<string, string>>;
}

export interface ReportObject {
  readonly apiVersion: ReportApi;
  readonly kind: 'PolicyReport' | 'ClusterPolicyReport' | 'Report' | 'ClusterReport';
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  /** openreports.io only: the engine that produced every result. */
  readonly source?: string;
  readonly scope?: ResourceRef;
  readonly summary: ReportSummary;
  readonly results: readonly ReportResultObject[];
}

export interface BuildReportsOptions {
  readonly api: ReportApi;
  /** metadata.name of every report. */
  readonly name: string;
  /** The engine name in each result (and on openreports.io reports); `psa` by default. */
  readonly source?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

function kindFor(api: ReportApi, namespaced: boolean): ReportObject['kind'] {
  if (api === ReportApis.wgpolicy) return namespaced ? 'PolicyReport' : 'ClusterPolicyReport';
  return namespaced ? 'Report' : 'ClusterReport';
}

function toTimestamp(date: Date): { seconds: number; nanos: number } {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

function toResult(input: ReportResultInput, source: string): ReportResultObject {
  return {
    source,
    policy: input.policy,
    rule: input.rule,
    ...(input.category === undefined ? {} : { category: input.category }),
    ...(input.severity === undefined ? {} : { severity: input.severity }),
    timestamp: toTimestamp(input.timestamp),
    result: input.result,
    scored: true,
    ...(input.resource === undefined ? {} : { resources: [input.resource] }),
    message: input.message,
    ...(input.properties === undefined || Object.keys(input.properties).length === 0
      ? {}
      : { properties: input.properties }),
  };
}

/** One report per namespace (and one cluster-scoped report for results without a namespace). */
export function buildPolicyReports(results: Iterable<ReportResultInput>, options: BuildReportsOptions): ReportObject[] {
  const source = options.source ?? 'psa';
  const groups = new Map<string, { results: ReportResultObject[]; summary: ReportSummary }>();
  for (const input of results) {
    const key = input.namespace ?? '';
    let group = groups.get(key);
    if (group === undefined) {
      group = { results: [], summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 } };
      groups.set(key, group);
    }
    group.results.push(toResult(input, source));
    group.summary[input.result]++;
  }
  const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((namespace) => {
    const group = groups.get(namespace)!;
    const namespaced = namespace !== '';
    return {
      apiVersion: options.api,
      kind: kindFor(options.api, namespaced),
      metadata: {
        name: options.name,
        ...(namespaced ? { namespace } : {}),
        ...(options.labels === undefined ? {} : { labels: options.labels }),
      },
      ...(options.api === ReportApis.openreports ? { source } : {}),
      ...(namespaced ? { scope: { apiVersion: 'v1', kind: 'Namespace', name: namespace } } : {}),
      summary: group.summary,
      results: group.results,
    };
  });
}

/** A YAML stream, one document per report, ready for `kubectl apply -f -`. */
export function formatReportsYaml(reports: readonly ReportObject[]): string {
  return reports.map((r) => `---\n${stringify(r, { lineWidth: 0 })}`).join('');
}

/** The reports as one JSON `List`. */
export function formatReportsJson(reports: readonly ReportObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: reports }, null, 2)}\n`;
}
