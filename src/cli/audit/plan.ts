/**
 * The rollout plan: per namespace the labels to set (enforce at the strictest level that refuses nothing, warn and
 * audit one level above where that is stricter), the `kubectl label` lines that set them, and for namespaces that must
 * stay privileged the alternative of exempting them in the cluster configuration (a Talos machine-config patch and the
 * PodSecurityConfiguration). psa never applies any of it.
 */
import { LabelKeys, type Level } from '../../api/index.ts';
import { renderDocument, renderTalosPatch, type PodSecurityConfigurationDocument } from '../../config/index.ts';
import { compareCodePoints } from '../input/sources.ts';
import type { NamespaceAudit, OwnerOutcome } from './aggregate.ts';

export interface NamespacePlan {
  readonly namespace: string;
  readonly strictestLevel: Level;
  /** The labels to set; empty for an exempt namespace (its labels are ignored). */
  readonly recommended: Readonly<Record<string, string>>;
  /** True when setting the recommended labels changes the namespace's labels. */
  readonly changes: boolean;
  /** Pods refused at the current labels, which the recommendation stops refusing. */
  readonly refusedNow: number;
}

export interface PlanLevelEntry {
  readonly namespace: string;
  readonly exempt: boolean;
  readonly refused: number;
  readonly reasons: Readonly<Record<string, number>>;
  readonly owners: readonly OwnerOutcome[];
}

export interface AuditPlan {
  readonly namespaces: readonly NamespacePlan[];
  /** One `kubectl label` line per namespace whose labels change. */
  readonly kubectl: readonly string[];
  /** Namespaces whose pods need `privileged` (the candidates for an exemption instead of labels). */
  readonly privilegedNamespaces: readonly string[];
  /** A Talos machine-config patch exempting the privileged namespaces (empty when there are none). */
  readonly talosPatch: string;
  /** The cluster PodSecurityConfiguration with those exemptions added (empty when there are none). */
  readonly podSecurityConfiguration: string;
  /** `--plan-level L`: what would be refused in each namespace at L (namespaces refusing nothing left out). */
  readonly planLevel?: {
    readonly level: Level;
    readonly refused: number;
    readonly namespaces: readonly PlanLevelEntry[];
  };
}

const ABOVE: Readonly<Record<Level, Level>> = {
  privileged: 'baseline',
  baseline: 'restricted',
  restricted: 'restricted',
};

/** The labels for a namespace whose pods all meet `strictest`. */
export function recommendedLabels(strictest: Level): Record<string, string> {
  return {
    [LabelKeys.enforce]: strictest,
    [LabelKeys.warn]: ABOVE[strictest],
    [LabelKeys.audit]: ABOVE[strictest],
  };
}

/** The shell-safe form of a label argument (namespace names and label values are DNS labels; quote anything else). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9._/=:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function kubectlLabelLine(namespace: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([k, v]) => shellWord(`${k}=${v}`));
  return `kubectl label --overwrite namespace ${shellWord(namespace)} ${pairs.join(' ')}`;
}

function withExemptNamespaces(
  document: PodSecurityConfigurationDocument,
  namespaces: readonly string[],
): PodSecurityConfigurationDocument {
  const have = document.exemptions.namespaces;
  const added = namespaces.filter((n) => !have.includes(n));
  return { ...document, exemptions: { ...document.exemptions, namespaces: [...have, ...added] } };
}

export function buildPlan(
  namespaces: readonly NamespaceAudit[],
  document: PodSecurityConfigurationDocument | undefined,
  planLevel: Level | undefined,
): AuditPlan {
  const plans: NamespacePlan[] = namespaces.map((ns) => {
    const recommended = ns.exempt ? {} : recommendedLabels(ns.strictestLevel);
    const changes = Object.entries(recommended).some(([k, v]) => ns.labels[k] !== v);
    return {
      namespace: ns.name,
      strictestLevel: ns.strictestLevel,
      recommended,
      changes,
      refusedNow: ns.refusedAtCurrent,
    };
  });
  const kubectl = plans.filter((p) => p.changes).map((p) => kubectlLabelLine(p.namespace, p.recommended));
  const privilegedNamespaces = namespaces
    .filter((ns) => !ns.exempt && ns.strictestLevel === 'privileged')
    .map((ns) => ns.name)
    .sort(compareCodePoints);
  let talosPatch = '';
  let podSecurityConfiguration = '';
  if (document !== undefined && privilegedNamespaces.length > 0) {
    const exempted = withExemptNamespaces(document, privilegedNamespaces);
    talosPatch = renderTalosPatch(exempted);
    podSecurityConfiguration = renderDocument(exempted, 'yaml');
  }
  const plan: AuditPlan = { namespaces: plans, kubectl, privilegedNamespaces, talosPatch, podSecurityConfiguration };
  if (planLevel === undefined) return plan;
  const entries = namespaces
    .filter((ns) => ns.levels[planLevel].refused > 0)
    .map((ns) => ({
      namespace: ns.name,
      exempt: ns.exempt,
      refused: ns.levels[planLevel].refused,
      reasons: ns.levels[planLevel].reasons,
      owners: ns.levels[planLevel].owners,
    }));
  return {
    ...plan,
    planLevel: { level: planLevel, refused: entries.reduce((a, e) => a + e.refused, 0), namespaces: entries },
  };
}
