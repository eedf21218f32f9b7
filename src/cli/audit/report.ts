/** The audit report every output renders: namespaces with their outcomes and recommendations, a summary, the plan. */
import type { Level } from '../../api/index.ts';
import type { PodSecurityConfigurationDocument } from '../../config/index.ts';
import { AUDIT_LEVELS, type NamespaceAudit } from './aggregate.ts';
import { buildPlan, type AuditPlan } from './plan.ts';

export interface NamespaceReport extends NamespaceAudit {
  /** The labels the plan recommends (empty for an exempt namespace). */
  readonly recommended: Readonly<Record<string, string>>;
}

export interface AuditSummary {
  readonly namespaces: number;
  readonly pods: number;
  /** Pods the current labels (and configuration) would refuse if they were created now. */
  readonly refusedAtCurrentLabels: number;
  readonly exemptNamespaces: number;
  /** Namespaces by the strictest level all their pods meet. */
  readonly strictestLevels: Readonly<Record<Level, number>>;
  /** Pods refused if every namespace were labelled enforce=L (exempt namespaces included). */
  readonly refusedAt: Readonly<Record<Level, number>>;
}

export interface AuditReport {
  /** Where the objects came from. */
  readonly source: string;
  /** Which cluster configuration applies (`Talos default`, a file). */
  readonly configuration: string;
  /** ISO time of the audit. */
  readonly generatedAt: string;
  /** `--version`, when given. */
  readonly version?: string;
  readonly namespaces: readonly NamespaceReport[];
  readonly summary: AuditSummary;
  readonly plan: AuditPlan;
  /** False when something could not be read: the figures cover only what was. */
  readonly complete: boolean;
  readonly errors: readonly string[];
}

export interface ReportInput {
  readonly source: string;
  readonly configuration: string;
  readonly generatedAt: Date;
  readonly version?: string | undefined;
  readonly namespaces: readonly NamespaceAudit[];
  readonly document: PodSecurityConfigurationDocument | undefined;
  readonly planLevel: Level | undefined;
  readonly errors: readonly string[];
}

export function buildReport(input: ReportInput): AuditReport {
  const plan = buildPlan(input.namespaces, input.document, input.planLevel);
  const recommendations = new Map(plan.namespaces.map((p) => [p.namespace, p.recommended]));
  const namespaces = input.namespaces.map((ns) => ({ ...ns, recommended: recommendations.get(ns.name) ?? {} }));
  const count = (f: (ns: NamespaceAudit) => number): number => namespaces.reduce((a, ns) => a + f(ns), 0);
  const strictestLevels = { privileged: 0, baseline: 0, restricted: 0 };
  for (const ns of namespaces) strictestLevels[ns.strictestLevel]++;
  const refusedAt = Object.fromEntries(
    AUDIT_LEVELS.map((level) => [level, count((ns) => ns.levels[level].refused)]),
  ) as Record<Level, number>;
  return {
    source: input.source,
    configuration: input.configuration,
    generatedAt: input.generatedAt.toISOString(),
    ...(input.version === undefined ? {} : { version: input.version }),
    namespaces,
    summary: {
      namespaces: namespaces.length,
      pods: count((ns) => ns.pods),
      refusedAtCurrentLabels: count((ns) => ns.refusedAtCurrent),
      exemptNamespaces: namespaces.filter((ns) => ns.exempt).length,
      strictestLevels,
      refusedAt,
    },
    plan,
    complete: input.errors.length === 0,
    errors: input.errors,
  };
}
