/**
 * `psa audit -o policyreport`: reports per namespace (wgpolicyk8s.io/v1alpha2 PolicyReport, or with
 * `--report-api openreports.io/v1alpha1` an OpenReports Report), results under policy `pod-security` with the check ID
 * as rule, in one of two granularities:
 * - `pod` (default): a result per pod and check naming the pod (with its uid) as the resource: `fail` for what the
 *   namespace's enforce level refuses, `warn` for what only its stricter warn/audit level flags; a pod with neither
 *   gets one `pass` result (rule: the strictest level the namespace checks, e.g. `restricted:latest`), as Kyverno's
 *   podSecurity rules report one result per resource and rule; `skip` (rule `exempt`) for each pod of an exempt
 *   namespace or runtime class. The top owner is a property so consumers can group. A namespace's results are split
 *   over `psa-audit`, `psa-audit-2`, ... so no report outgrows what `kubectl apply` accepts.
 * - `owner`: the audit's aggregates, a result per top owner and check (pod count and example names as properties),
 *   `pass` for each restricted check no pod of the namespace violates, `skip` for an exempt namespace.
 */
import { compareLevels, type Level } from '../../api/index.ts';
import type { Violation } from '../../policy/index.ts';
import { checksAt, checkCatalogue } from '../../policy/index.ts';
import { LATEST } from '../../api/index.ts';
import {
  buildPolicyReports,
  buildSplitReports,
  type ReportApi,
  type ReportObject,
  type ReportResultInput,
  type ResourceRef,
  WORKLOAD_API_VERSIONS,
} from '../output/policy-report.ts';
import type { OwnerOutcome } from './aggregate.ts';
import type { AUDIT_REPORT_GRANULARITIES } from '../commands/audit-flags.ts';
import type { NamespacePods } from './pod-records.ts';
import type { AuditReport, NamespaceReport } from './report.ts';

/** `--report-granularity`: a result per pod (default) or per top owner. */
export type ReportGranularity = (typeof AUDIT_REPORT_GRANULARITIES)[number];

const CHECK_LEVEL = new Map(checkCatalogue.map((c) => [c.id, c.level]));

function severityOf(check: string): 'high' | 'medium' {
  return CHECK_LEVEL.get(check) === 'baseline' ? 'high' : 'medium';
}

function ownerRef(owner: OwnerOutcome, namespace: string): ResourceRef | undefined {
  const apiVersion = WORKLOAD_API_VERSIONS[owner.kind];
  return apiVersion === undefined ? undefined : { apiVersion, kind: owner.kind, name: owner.name, namespace };
}

function levelOf(lv: string): Level {
  return lv.slice(0, lv.indexOf(':')) as Level;
}

function namespaceResults(ns: NamespaceReport, timestamp: Date): ReportResultInput[] {
  const base = { namespace: ns.name, policy: 'pod-security', timestamp } as const;
  if (ns.exempt)
    return [
      {
        ...base,
        rule: 'exempt',
        result: 'skip',
        message: `namespace ${ns.name} is exempt from Pod Security by the cluster configuration`,
      },
    ];
  const results: ReportResultInput[] = [];
  const enforce = levelOf(ns.current.enforce);
  const warn = levelOf(ns.current.warn);
  const flagged = (
    level: Level,
    mode: 'enforce' | 'warn',
    skip: (owner: OwnerOutcome, check: string) => boolean,
  ): void => {
    if (level === 'privileged') return;
    const outcome = ns.levels[level];
    for (const owner of outcome.owners) {
      for (const [check, pods] of Object.entries(owner.checks)) {
        if (skip(owner, check)) continue;
        const reason = outcome.checkReasons[check] ?? check;
        const resource = ownerRef(owner, ns.name);
        results.push({
          ...base,
          ...(resource === undefined ? {} : { resource }),
          rule: check,
          result: mode === 'enforce' ? 'fail' : 'warn',
          severity: severityOf(check),
          category: `${level} level`,
          message: `${pods} ${pods === 1 ? 'pod' : 'pods'} of ${owner.kind}/${owner.name}: ${reason}`,
          properties: {
            mode,
            level: `${level}:latest`,
            pods: String(pods),
            owner: `${owner.kind}/${owner.name}`,
            examples: (outcome.examples[reason] ?? []).join(', '),
          },
        });
      }
    }
  };
  flagged(enforce, 'enforce', () => false);
  if (compareLevels(warn, enforce) > 0) {
    const failed = new Set<string>();
    if (enforce !== 'privileged')
      for (const owner of ns.levels[enforce].owners)
        for (const check of Object.keys(owner.checks)) failed.add(`${owner.kind}/${owner.name}/${check}`);
    flagged(warn, 'warn', (owner, check) => failed.has(`${owner.kind}/${owner.name}/${check}`));
  }
  const violated = ns.levels.restricted.checks;
  for (const check of checksAt({ level: 'restricted', version: LATEST })) {
    if ((violated[check] ?? 0) > 0) continue;
    results.push({
      ...base,
      rule: check,
      result: 'pass',
      category: `${CHECK_LEVEL.get(check) ?? 'restricted'} level`,
      message: `no pod in namespace ${ns.name} violates ${check}`,
      properties: { pods: String(ns.pods) },
    });
  }
  return results;
}

function violationMessage(v: Violation): string {
  return v.detail === '' ? v.reason : `${v.reason} (${v.detail})`;
}

/** One namespace's per-pod results, pods in name order. */
function* podResults(ns: NamespaceReport, pods: NamespacePods, timestamp: Date): Generator<ReportResultInput> {
  const base = { namespace: ns.name, policy: 'pod-security', timestamp } as const;
  const { enforce, flag, flagModes } = pods.roles;
  for (const pod of pods.records()) {
    const resource: ResourceRef = {
      apiVersion: 'v1',
      kind: 'Pod',
      name: pod.name,
      namespace: ns.name,
      ...(pod.uid === '' ? {} : { uid: pod.uid }),
    };
    const owner = `${pod.owner.kind}/${pod.owner.name}`;
    const common = { ...base, resource } as const;
    if (ns.exempt || pod.exemptRuntimeClass !== undefined) {
      yield {
        ...common,
        rule: 'exempt',
        result: 'skip',
        message: ns.exempt
          ? `namespace ${ns.name} is exempt from Pod Security by the cluster configuration`
          : `runtime class ${pod.exemptRuntimeClass ?? ''} is exempt from Pod Security by the cluster configuration`,
        properties: {
          owner,
          ...(ns.exempt ? {} : { runtimeClass: pod.exemptRuntimeClass ?? '' }),
        },
      };
      continue;
    }
    const failed = new Set<string>();
    for (const v of pod.enforce) {
      failed.add(v.checkId);
      yield {
        ...common,
        rule: v.checkId,
        result: 'fail',
        severity: severityOf(v.checkId),
        category: `${levelOf(enforce)} level`,
        message: violationMessage(v),
        properties: { mode: 'enforce', level: enforce, owner },
      };
    }
    let warned = 0;
    for (const v of pod.flag) {
      if (failed.has(v.checkId) || flag === undefined) continue;
      warned++;
      yield {
        ...common,
        rule: v.checkId,
        result: 'warn',
        severity: severityOf(v.checkId),
        category: `${levelOf(flag)} level`,
        message: violationMessage(v),
        properties: { mode: flagModes ?? 'warn', level: flag, owner },
      };
    }
    if (failed.size === 0 && warned === 0) {
      const strictest = flag ?? enforce;
      yield {
        ...common,
        rule: strictest,
        result: 'pass',
        category: `${levelOf(strictest)} level`,
        message: `meets ${strictest}${flag === undefined ? '' : ` (enforce ${enforce})`}`,
        properties: { level: strictest, owner },
      };
    }
  }
}

const REPORT_NAME = 'psa-audit';
/** The labels on every report: `kubectl delete policyreports -A -l app.kubernetes.io/managed-by=psa` clears a run. */
const REPORT_LABELS = { 'app.kubernetes.io/managed-by': 'psa' };

export interface AuditReportsOptions {
  readonly api: ReportApi;
  readonly granularity: ReportGranularity;
  /** Per namespace, its pods' records (needed for `pod`: see run-audit's `keepPods`). */
  readonly pods?: ReadonlyMap<string, NamespacePods>;
  /** The largest report as JSON (`pod` only; default REPORT_MAX_BYTES). */
  readonly maxBytes?: number;
}

/** The audit's reports, namespaces in name order; with `pod`, built lazily, one report at a time. */
export function auditPolicyReports(report: AuditReport, options: AuditReportsOptions): Iterable<ReportObject> {
  const timestamp = new Date(report.generatedAt);
  const { api } = options;
  if (options.granularity === 'owner')
    return buildPolicyReports(
      report.namespaces.flatMap((ns) => namespaceResults(ns, timestamp)),
      { api, name: REPORT_NAME, labels: REPORT_LABELS },
    );
  const pods = options.pods ?? new Map<string, NamespacePods>();
  function* results(): Generator<ReportResultInput> {
    for (const ns of report.namespaces) {
      const records = pods.get(ns.name);
      if (records !== undefined) yield* podResults(ns, records, timestamp);
    }
  }
  return buildSplitReports(results(), {
    api,
    name: REPORT_NAME,
    labels: REPORT_LABELS,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
  });
}
