/**
 * The `psa audit-log` report: the aggregate turned into sorted plain data (the `-o json` contract), with each
 * configured exemption's use and what removing it would refuse. Pods the log carries (audit level Request or above)
 * are re-evaluated with the engine at their namespace's enforce level: the last `enforce-policy` annotation the log
 * shows for the namespace, else the configuration's default.
 */
import { parseLevelVersion, type LevelVersion, formatLevelVersion } from '../../api/level-version.ts';
import type { Policy } from '../../admission/types.ts';
import { decodePod } from '../../k8s/decode-pod.ts';
import { evaluatePod } from '../../policy/evaluator.ts';
import type { Aggregate, ExemptionUse, ExemptSample, NamespaceTally, OwnerTally, Tally } from './aggregate.ts';
import type { BadLine, StreamStats } from './event-stream.ts';
import type { ExemptionKind } from './pod-security-event.ts';

/** Bad lines listed in the report at most; all are counted. */
export const MAX_LISTED_BAD_LINES = 100;

export interface ExemptionMetadataView {
  readonly owner?: string;
  readonly expires?: string;
  readonly reason?: string;
}

/** An exemption of the cluster's configuration. */
export interface ConfiguredExemption {
  readonly kind: ExemptionKind;
  readonly value: string;
  readonly metadata?: ExemptionMetadataView;
}

export interface ReportContext {
  readonly defaults: Policy;
  readonly exemptions: readonly ConfiguredExemption[];
  /** Where the configuration came from, for the reader (`--config FILE`, `Talos default`). */
  readonly configurationSource: string;
  readonly since?: string;
  readonly until?: string;
}

export interface TallyReport {
  readonly events: number;
  readonly auditViolations: number;
  readonly refused: number;
  readonly errors: number;
  readonly exempt: { readonly namespace: number; readonly user: number; readonly runtimeClass: number };
  readonly byCheck: Readonly<Record<string, number>>;
  readonly refusedByCheck: Readonly<Record<string, number>>;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface OwnerReport extends TallyReport {
  readonly kind: string;
  readonly name: string;
  readonly users: readonly string[];
}

export interface NamespaceReport extends TallyReport {
  readonly name: string;
  /** The last enforce-policy annotation the log shows for the namespace. */
  readonly enforcePolicy?: string;
  /** Per UTC day, oldest first. */
  readonly days: Readonly<
    Record<string, { readonly auditViolations: number; readonly refused: number; readonly exempt: number }>
  >;
  readonly owners: readonly OwnerReport[];
}

export interface WouldBeRefused {
  readonly namespace: string;
  readonly owner: { readonly kind: string; readonly name: string };
  readonly users: readonly string[];
  readonly requests: number;
  /** The level the pod was re-evaluated at, and where it came from. */
  readonly level: string;
  readonly levelFrom: 'namespace' | 'defaults';
  readonly checks: readonly string[];
}

export interface ExemptionReport {
  readonly kind: ExemptionKind;
  /** The namespace, user or runtime class; '' for a runtimeClass exemption the log could not name. */
  readonly value: string;
  /** Whether the configuration lists it (an exemption used in the log may have been removed since). */
  readonly configured: boolean;
  readonly used: number;
  readonly users: readonly string[];
  readonly firstSeen?: string;
  readonly lastSeen?: string;
  /** Configured and never used in the window. */
  readonly removalCandidate: boolean;
  readonly metadata?: ExemptionMetadataView;
  /** Requests it let through if it were removed: re-evaluated pods, by outcome. */
  readonly ifRemoved: {
    readonly wouldBeRefused: number;
    readonly wouldBeAllowed: number;
    /** Still exempt by another exemption (a user or runtime class) in the configuration. */
    readonly stillExempt: number;
    /** Pods the log does not carry (audit level Metadata) or only as a patch: cannot tell. */
    readonly notReevaluated: number;
    /** Workload objects (Deployments, ...): only ever warned about, never refused. */
    readonly workloads: number;
    readonly refusals: readonly WouldBeRefused[];
  };
}

export interface AuditLogReport {
  readonly window: { readonly from: string; readonly until: string };
  readonly events: {
    readonly read: number;
    readonly podSecurity: number;
    readonly badLines: number;
    readonly outsideWindow: number;
  };
  readonly badLines: readonly BadLine[];
  readonly configuration: string;
  readonly namespaces: readonly NamespaceReport[];
  readonly exemptions: readonly ExemptionReport[];
}

function sortedRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  const entries = [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(entries);
}

/** Listed users, most frequent first, with `(+N more)` for those not kept. */
function userList(users: ReadonlyMap<string, number>): string[] {
  const named = [...users].filter(([u]) => u !== '');
  named.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const list = named.map(([u]) => u);
  const rest = users.get('');
  if (rest !== undefined) list.push(`(+${String(rest)} requests by other users)`);
  return list;
}

function tallyReport(tally: Tally): TallyReport {
  return {
    events: tally.events,
    auditViolations: tally.auditViolations,
    refused: tally.refused,
    errors: tally.errors,
    exempt: { ...tally.exempt },
    byCheck: sortedRecord(tally.byCheck),
    refusedByCheck: sortedRecord(tally.refusedByCheck),
    firstSeen: tally.firstSeen,
    lastSeen: tally.lastSeen,
  };
}

function ownerReport(owner: OwnerTally): OwnerReport {
  return { kind: owner.kind, name: owner.name, users: userList(owner.users), ...tallyReport(owner) };
}

function byWeightThenName(a: OwnerReport, b: OwnerReport): number {
  const weight = (o: OwnerReport): number => o.refused * 1_000_000 + o.auditViolations;
  const ka = `${a.kind}/${a.name}`;
  const kb = `${b.kind}/${b.name}`;
  return weight(b) - weight(a) || (ka < kb ? -1 : ka > kb ? 1 : 0);
}

function namespaceReport(ns: NamespaceTally): NamespaceReport {
  return {
    name: ns.name,
    ...(ns.enforcePolicy === undefined ? {} : { enforcePolicy: ns.enforcePolicy }),
    ...tallyReport(ns),
    days: Object.fromEntries([...ns.days].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([d, c]) => [d, { ...c }])),
    owners: [...ns.owners.values()].map(ownerReport).sort(byWeightThenName),
  };
}

function runtimeClassOf(requestObject: unknown): string | undefined {
  const spec = (requestObject as { spec?: { runtimeClassName?: unknown } } | undefined)?.spec;
  return typeof spec?.runtimeClassName === 'string' ? spec.runtimeClassName : undefined;
}

type Outcome =
  | { readonly kind: 'refused'; readonly refusal: WouldBeRefused }
  | { readonly kind: 'allowed' | 'stillExempt' | 'notReevaluated' | 'workloads' };

function reevaluate(
  use: ExemptionUse,
  sample: ExemptSample,
  context: ReportContext,
  namespaces: ReadonlyMap<string, NamespaceTally>,
): Outcome {
  const base = sample.resource.split('/')[0];
  if (base !== 'pods') return { kind: 'workloads' };
  if (sample.requestObject === undefined) return { kind: 'notReevaluated' };
  const configured = (kind: ExemptionKind, value: string | undefined): boolean =>
    value !== undefined && context.exemptions.some((e) => e.kind === kind && e.value === value);
  // Upstream checks the namespace, then the user, then the runtime class: a later exemption applies only if this one
  // goes.
  if (use.kind === 'namespace' && [...sample.users.keys()].some((user) => configured('user', user)))
    return { kind: 'stillExempt' };
  if (use.kind !== 'runtimeClass' && configured('runtimeClass', runtimeClassOf(sample.requestObject)))
    return { kind: 'stillExempt' };
  const annotated = namespaces.get(sample.namespace)?.enforcePolicy;
  const parsed = annotated === undefined ? undefined : parseLevelVersion(annotated);
  const level: LevelVersion = parsed?.ok === true ? parsed.value : context.defaults.enforce;
  const pod = decodePod(sample.requestObject);
  const evaluation = evaluatePod(level, pod.value.metadata, pod.value.spec);
  if (evaluation.allowed) return { kind: 'allowed' };
  return {
    kind: 'refused',
    refusal: {
      namespace: sample.namespace,
      owner: { kind: sample.owner.kind, name: sample.owner.name },
      users: userList(sample.users),
      requests: sample.count,
      level: formatLevelVersion(level),
      levelFrom: parsed?.ok === true ? 'namespace' : 'defaults',
      checks: evaluation.violations.map((v) => v.reason),
    },
  };
}

function exemptionReport(
  kind: ExemptionKind,
  value: string,
  use: ExemptionUse | undefined,
  configured: ConfiguredExemption | undefined,
  context: ReportContext,
  namespaces: ReadonlyMap<string, NamespaceTally>,
): ExemptionReport {
  const counts = { wouldBeRefused: 0, wouldBeAllowed: 0, stillExempt: 0, notReevaluated: 0, workloads: 0 };
  const refusals: WouldBeRefused[] = [];
  for (const sample of use?.samples.values() ?? []) {
    const outcome = reevaluate(use!, sample, context, namespaces);
    switch (outcome.kind) {
      case 'refused': {
        counts.wouldBeRefused += sample.count;
        const same = refusals.find(
          (r) =>
            r.namespace === sample.namespace &&
            r.owner.kind === sample.owner.kind &&
            r.owner.name === sample.owner.name &&
            r.checks.join('\n') === outcome.refusal.checks.join('\n'),
        );
        if (same === undefined) refusals.push(outcome.refusal);
        else refusals[refusals.indexOf(same)] = { ...same, requests: same.requests + sample.count };
        break;
      }
      case 'allowed':
        counts.wouldBeAllowed += sample.count;
        break;
      default:
        counts[outcome.kind] += sample.count;
    }
  }
  refusals.sort((a, b) => {
    const ka = `${a.namespace}/${a.owner.kind}/${a.owner.name}`;
    const kb = `${b.namespace}/${b.owner.kind}/${b.owner.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return {
    kind,
    value,
    configured: configured !== undefined,
    used: use?.used ?? 0,
    users: use === undefined ? [] : userList(use.users),
    ...(use === undefined ? {} : { firstSeen: use.firstSeen, lastSeen: use.lastSeen }),
    removalCandidate: configured !== undefined && (use?.used ?? 0) === 0,
    ...(configured?.metadata === undefined ? {} : { metadata: configured.metadata }),
    ifRemoved: { ...counts, refusals },
  };
}

const KIND_ORDER: Readonly<Record<ExemptionKind, number>> = { namespace: 0, user: 1, runtimeClass: 2 };

/** The report for an aggregate read with `stats`. */
export function buildReport(
  aggregate: Aggregate,
  stats: StreamStats,
  badLines: readonly BadLine[],
  badLineCount: number,
  context: ReportContext,
): AuditLogReport {
  let firstMs = stats.firstMs;
  let lastMs = stats.lastMs;
  let from = stats.firstTime;
  let until = stats.lastTime;
  for (const ns of aggregate.namespaces.values()) {
    if (!(ns.firstMs >= firstMs) && !Number.isNaN(ns.firstMs)) [firstMs, from] = [ns.firstMs, ns.firstSeen];
    if (!(ns.lastMs <= lastMs) && !Number.isNaN(ns.lastMs)) [lastMs, until] = [ns.lastMs, ns.lastSeen];
  }
  const exemptions: ExemptionReport[] = [];
  const seen = new Set<string>();
  // A runtimeClass exemption the log cannot name (no request object) is credited to the only configured runtime
  // class when there is exactly one.
  const runtimeClasses = context.exemptions.filter((e) => e.kind === 'runtimeClass');
  const uses = new Map(aggregate.exemptions);
  const unnamed = uses.get('runtimeClass\u0000');
  if (unnamed !== undefined && runtimeClasses.length === 1) {
    const key = `runtimeClass\u0000${runtimeClasses[0]!.value}`;
    const named = uses.get(key);
    uses.delete('runtimeClass\u0000');
    if (named === undefined) uses.set(key, { ...unnamed, value: runtimeClasses[0]!.value });
    else {
      named.used += unnamed.used;
      for (const [u, n] of unnamed.users) named.users.set(u, (named.users.get(u) ?? 0) + n);
      for (const [k, s] of unnamed.samples) named.samples.set(k, s);
    }
  }
  for (const configured of context.exemptions) {
    const key = `${configured.kind}\u0000${configured.value}`;
    seen.add(key);
    exemptions.push(
      exemptionReport(configured.kind, configured.value, uses.get(key), configured, context, aggregate.namespaces),
    );
  }
  const unconfigured = [...uses.values()]
    .filter((use) => !seen.has(`${use.kind}\u0000${use.value}`))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  for (const use of unconfigured)
    exemptions.push(exemptionReport(use.kind, use.value, use, undefined, context, aggregate.namespaces));

  return {
    window: { from: context.since ?? from, until: context.until ?? until },
    events: {
      read: stats.read,
      podSecurity: aggregate.podSecurity,
      badLines: badLineCount,
      outsideWindow: aggregate.outsideWindow,
    },
    badLines: badLines.slice(0, MAX_LISTED_BAD_LINES),
    configuration: context.configurationSource,
    namespaces: [...aggregate.namespaces.values()]
      .map(namespaceReport)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    exemptions,
  };
}
