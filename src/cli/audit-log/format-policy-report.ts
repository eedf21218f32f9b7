/**
 * `psa audit-log -o policyreport`: the report as policy reports (the shared builders in
 * src/cli/output/policy-report.ts), one per namespace plus a cluster-scoped one for the exemptions. Per owner: `fail`
 * for refusals, `warn` for audit violations, `error` for evaluation errors, `skip` when only exemptions let it
 * through, `pass` otherwise. Per exemption: `warn` when never used (a removal candidate), `fail` when removing it
 * would refuse pods the log carries, `pass` otherwise.
 */
import {
  buildPolicyReports,
  formatReportsYaml,
  ReportApis,
  type ReportResultInput,
  ReportSeverities,
  ReportStatuses,
  type ResourceRef,
  WORKLOAD_API_VERSIONS,
} from '../output/policy-report.ts';
import type { AuditLogReport } from './report.ts';

const POLICY = 'pod-security-audit-log';
const CATEGORY = 'Pod Security';

function checks(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .map(([check, n]) => `${check} (${String(n)})`)
    .join(', ');
}

function time(text: string | undefined, fallback: string): Date {
  const ms = Date.parse(text ?? '');
  if (!Number.isNaN(ms)) return new Date(ms);
  const other = Date.parse(fallback);
  return new Date(Number.isNaN(other) ? 0 : other);
}

function* results(report: AuditLogReport): Generator<ReportResultInput> {
  for (const ns of report.namespaces) {
    for (const o of ns.owners) {
      const resource: ResourceRef = {
        apiVersion: WORKLOAD_API_VERSIONS[o.kind] ?? 'v1',
        kind: o.kind,
        name: o.name,
        ...(ns.name === '' ? {} : { namespace: ns.name }),
      };
      const base = {
        ...(ns.name === '' ? {} : { namespace: ns.name }),
        resource,
        policy: POLICY,
        category: CATEGORY,
        timestamp: time(o.lastSeen, report.window.until),
        properties: {
          users: o.users.join(', '),
          firstSeen: o.firstSeen,
          lastSeen: o.lastSeen,
          requests: String(o.events),
        },
      };
      const exempt = o.exempt.namespace + o.exempt.user + o.exempt.runtimeClass;
      if (o.refused > 0)
        yield {
          ...base,
          rule: 'refused',
          result: ReportStatuses.fail,
          severity: ReportSeverities.high,
          message: `${String(o.refused)} requests refused: ${checks(o.refusedByCheck)}`,
        };
      if (o.auditViolations > 0)
        yield {
          ...base,
          rule: 'audit-violations',
          result: ReportStatuses.warn,
          severity: ReportSeverities.medium,
          message: `${String(o.auditViolations)} requests with audit violations: ${checks(o.byCheck)}`,
        };
      if (o.errors > 0)
        yield {
          ...base,
          rule: 'evaluation-errors',
          result: ReportStatuses.error,
          message: `${String(o.errors)} requests with Pod Security evaluation errors`,
        };
      if (o.refused === 0 && o.auditViolations === 0 && o.errors === 0)
        yield exempt > 0
          ? {
              ...base,
              rule: 'exempt',
              result: ReportStatuses.skip,
              message: `${String(exempt)} requests exempt (namespace ${String(o.exempt.namespace)}, user ${String(o.exempt.user)}, runtimeClass ${String(o.exempt.runtimeClass)})`,
            }
          : { ...base, rule: 'clean', result: ReportStatuses.pass, message: 'no violations in the window' };
    }
  }
  for (const e of report.exemptions) {
    const base = {
      policy: POLICY,
      category: CATEGORY,
      timestamp: time(e.lastSeen, report.window.until),
      properties: {
        kind: e.kind,
        value: e.value,
        used: String(e.used),
        ...(e.metadata?.owner === undefined ? {} : { owner: e.metadata.owner }),
        ...(e.metadata?.expires === undefined ? {} : { expires: e.metadata.expires }),
      },
    };
    const rule = `exemption-${e.kind}`;
    if (e.removalCandidate)
      yield {
        ...base,
        rule,
        result: ReportStatuses.warn,
        severity: ReportSeverities.low,
        message: `${e.kind} exemption ${JSON.stringify(e.value)} was never used in the window: a candidate for removal`,
      };
    else if (e.ifRemoved.wouldBeRefused > 0)
      yield {
        ...base,
        rule,
        result: ReportStatuses.fail,
        severity: ReportSeverities.info,
        message: `${e.kind} exemption ${JSON.stringify(e.value)} let ${String(e.used)} requests through; without it ${String(e.ifRemoved.wouldBeRefused)} would be refused`,
      };
    else
      yield {
        ...base,
        rule,
        result: ReportStatuses.pass,
        message: `${e.kind} exemption ${JSON.stringify(e.value)} let ${String(e.used)} requests through; ${e.ifRemoved.notReevaluated > 0 ? `${String(e.ifRemoved.notReevaluated)} could not be re-evaluated (no pod in the log)` : 'none of the re-evaluated pods would be refused without it'}`,
      };
  }
}

/** The reports as a YAML stream (`kubectl apply -f -`), for `wgpolicy` (PolicyReport) or `openreports` (Report). */
export function formatAuditLogPolicyReports(report: AuditLogReport, api: 'wgpolicy' | 'openreports'): string {
  return formatReportsYaml(buildPolicyReports(results(report), { api: ReportApis[api], name: 'psa-audit-log' }));
}
