/**
 * `psa audit -o policyreport`: one report per namespace (wgpolicyk8s.io/v1alpha2 PolicyReport, or with
 * `--report-api openreports.io/v1alpha1` an OpenReports Report), results under policy `pod-security` with the check ID
 * as rule. The audit keeps aggregates, not pods, so a result is per top owner and check: `fail` for what the
 * namespace's enforce level refuses, `warn` for what only its (stricter) warn level flags, `pass` for each restricted
 * check no pod of the namespace violates, `skip` for an exempt namespace. The pods and example names are properties.
 */
import { compareLevels, type Level } from '../../api/index.ts';
import { checksAt, checkCatalogue } from '../../policy/index.ts';
import { LATEST } from '../../api/index.ts';
import {
  buildPolicyReports,
  type ReportApi,
  type ReportObject,
  type ReportResultInput,
  type ResourceRef,
  WORKLOAD_API_VERSIONS,
} from '../output/policy-report.ts';
import type { OwnerOutcome } from './aggregate.ts';
import type { AuditReport, NamespaceReport } from './report.ts';

const CHECK_LEVEL = new Map(checkCatalogue.map((c) => [c.id, c.level]));

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
          severity: CHECK_LEVEL.get(check) === 'baseline' ? 'high' : 'medium',
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

export function auditPolicyReports(report: AuditReport, api: ReportApi): ReportObject[] {
  const timestamp = new Date(report.generatedAt);
  return buildPolicyReports(
    report.namespaces.flatMap((ns) => namespaceResults(ns, timestamp)),
    { api, name: 'psa-audit', labels: { 'app.kubernetes.io/managed-by': 'psa' } },
  );
}
