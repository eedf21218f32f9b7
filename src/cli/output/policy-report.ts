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
 * - `buildSplitReports(results, {..., maxBytes?})`: the same for results that come namespace by namespace, built
 *   lazily, a namespace's results split over several reports (`name`, `name-2`, ...) so that none is larger than
 *   `maxBytes` as JSON (default {@link REPORT_MAX_BYTES}, small enough for `kubectl apply`).
 * - `formatReportsYaml(reports)` / `formatReportsJson(reports)`: a multi-document YAML stream (`kubectl apply -f -`
 *   ready) or a `List` in JSON; `formatReportYaml(report)` one document of such a stream.
 * The objects match the CRDs' OpenAPI schemas (test/policy-report/schemas; tests validate with `reportSchemaErrors` from test/policy-report/validate.ts).
 */
import { stringify } from 'yaml';
import { toYaml } from './report-yaml.ts';

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

interface ResultGroup {
  readonly results: ReportResultObject[];
  readonly summary: ReportSummary;
}

function newGroup(): ResultGroup {
  return { results: [], summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 } };
}

/** The report object for one namespace's (or the cluster's: '') results. */
function reportObject(namespace: string, name: string, group: ResultGroup, options: BuildReportsOptions): ReportObject {
  const namespaced = namespace !== '';
  return {
    apiVersion: options.api,
    kind: kindFor(options.api, namespaced),
    metadata: {
      name,
      ...(namespaced ? { namespace } : {}),
      ...(options.labels === undefined ? {} : { labels: options.labels }),
    },
    ...(options.api === ReportApis.openreports ? { source: options.source ?? 'psa' } : {}),
    ...(namespaced ? { scope: { apiVersion: 'v1', kind: 'Namespace', name: namespace } } : {}),
    summary: group.summary,
    results: group.results,
  };
}

/** One report per namespace (and one cluster-scoped report for results without a namespace). */
export function buildPolicyReports(results: Iterable<ReportResultInput>, options: BuildReportsOptions): ReportObject[] {
  const source = options.source ?? 'psa';
  const groups = new Map<string, ResultGroup>();
  for (const input of results) {
    const key = input.namespace ?? '';
    let group = groups.get(key);
    if (group === undefined) {
      group = newGroup();
      groups.set(key, group);
    }
    group.results.push(toResult(input, source));
    group.summary[input.result]++;
  }
  const keys = [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((namespace) => reportObject(namespace, options.name, groups.get(namespace)!, options));
}

/**
 * The largest report `buildSplitReports` writes, as compact JSON: 192 KiB. Client-side `kubectl apply` copies the
 * whole object into its `kubectl.kubernetes.io/last-applied-configuration` annotation, and an object's annotations
 * may hold 256 KiB in all, so that annotation, not etcd's 1.5 MiB request limit, is what a report must fit; the rest
 * is margin for how kubectl re-encodes the JSON (Go escapes `<`, `>` and `&`, counted here too).
 */
export const REPORT_MAX_BYTES = 192 * 1024;

export interface SplitReportsOptions extends BuildReportsOptions {
  /** The largest report as compact JSON (default {@link REPORT_MAX_BYTES}). */
  readonly maxBytes?: number;
}

/** The length of `value` as JSON the way Go writes it (`<`, `>`, `&` as `\u003c`...). */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  let escaped = 0;
  for (let i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) escaped++;
  for (let i = text.indexOf('>'); i >= 0; i = text.indexOf('>', i + 1)) escaped++;
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) escaped++;
  return Buffer.byteLength(text) + 5 * escaped;
}

/** Room in a report's size for counts growing in its summary and a `-N` suffix on its name. */
const HEADER_SLACK = 128;

/**
 * Reports for results that arrive namespace by namespace (all of one namespace's results together), yielded as each
 * is complete, so no more than one report is held at a time. A namespace's results go into `name`, then `name-2`,
 * `name-3`, ... whenever the next result would take the report past `maxBytes` as JSON; each report's summary
 * counts its own results, so the summaries of a namespace's reports add up to its results.
 */
export function* buildSplitReports(
  results: Iterable<ReportResultInput>,
  options: SplitReportsOptions,
): Generator<ReportObject> {
  const source = options.source ?? 'psa';
  const maxBytes = options.maxBytes ?? REPORT_MAX_BYTES;
  let namespace: string | undefined;
  let part = 0;
  let group = newGroup();
  let bytes = 0;
  const name = (): string => (part === 1 ? options.name : `${options.name}-${part}`);
  const start = (ns: string): void => {
    namespace = ns;
    part++;
    group = newGroup();
    bytes = jsonBytes(reportObject(ns, options.name, group, options)) + HEADER_SLACK;
  };
  for (const input of results) {
    const ns = input.namespace ?? '';
    const result = toResult(input, source);
    const size = jsonBytes(result) + 1;
    if (namespace !== ns) {
      if (namespace !== undefined) yield reportObject(namespace, name(), group, options);
      part = 0;
      start(ns);
    } else if (group.results.length > 0 && bytes + size > maxBytes) {
      yield reportObject(ns, name(), group, options);
      start(ns);
    }
    group.results.push(result);
    group.summary[input.result]++;
    bytes += size;
  }
  if (namespace !== undefined) yield reportObject(namespace, name(), group, options);
}

/**
 * One document of a YAML stream (with its `---`), written by the fast emitter in report-yaml.ts: what `psa audit`
 * streams, report by report.
 */
export function formatReportYaml(report: ReportObject): string {
  return `---\n${toYaml(report as unknown as Record<string, unknown>)}`;
}

/** A YAML stream, one document per report, ready for `kubectl apply -f -` (the `yaml` library's layout). */
export function formatReportsYaml(reports: readonly ReportObject[]): string {
  return reports.map((r) => `---\n${stringify(r, { lineWidth: 0 })}`).join('');
}

/** The reports as one JSON `List`. */
export function formatReportsJson(reports: readonly ReportObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: reports }, null, 2)}\n`;
}
