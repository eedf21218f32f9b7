/**
 * Folds Pod Security events into per-namespace and per-owner counts and remembers what each exemption let through.
 * Every count is a sum and every time a minimum or maximum, so the result does not depend on the order events arrive
 * in (rotated files, split logs); only the pods kept for re-evaluation are deduplicated by their content.
 */
import type { ExemptionKind, PodSecurityEvent } from './pod-security-event.ts';
import { type Owner, resolveOwner } from './owner.ts';

/** Users listed per owner or exemption at most; the count of the rest is kept. */
export const MAX_LISTED_USERS = 20;

export interface ExemptCounts {
  namespace: number;
  user: number;
  runtimeClass: number;
}

/** Counts shared by namespaces and owners. */
export interface Tally {
  events: number;
  auditViolations: number;
  refused: number;
  errors: number;
  exempt: ExemptCounts;
  /** Audit violations by check reason. */
  readonly byCheck: Map<string, number>;
  /** Refusals by check reason. */
  readonly refusedByCheck: Map<string, number>;
  firstMs: number;
  lastMs: number;
  firstSeen: string;
  lastSeen: string;
}

export interface OwnerTally extends Tally, Owner {
  readonly users: Map<string, number>;
}

/** One day's counts (UTC day of the event time). */
export interface DayCounts {
  auditViolations: number;
  refused: number;
  exempt: number;
}

export interface NamespaceTally extends Tally {
  readonly name: string;
  /** Per UTC day (`YYYY-MM-DD`), for the timeline. */
  readonly days: Map<string, DayCounts>;
  readonly owners: Map<string, OwnerTally>;
  /** The last enforce-policy annotation seen (by time), to re-evaluate exempt pods at the namespace's level. */
  enforcePolicy?: string;
  enforcePolicyMs: number;
}

/** One distinct pod (or workload) an exemption let through, with how often. */
export interface ExemptSample {
  readonly namespace: string;
  readonly owner: Owner;
  readonly resource: string;
  readonly requestObject?: unknown;
  readonly users: Map<string, number>;
  count: number;
}

export interface ExemptionUse {
  readonly kind: ExemptionKind;
  /** The namespace or user; for runtimeClass the pod's `runtimeClassName`, or '' when the log does not carry it. */
  readonly value: string;
  used: number;
  readonly users: Map<string, number>;
  readonly samples: Map<string, ExemptSample>;
  firstMs: number;
  lastMs: number;
  firstSeen: string;
  lastSeen: string;
}

export interface Aggregate {
  podSecurity: number;
  outsideWindow: number;
  readonly namespaces: Map<string, NamespaceTally>;
  readonly exemptions: Map<string, ExemptionUse>;
}

export interface TimeWindow {
  /** Epoch ms, inclusive; undefined for no bound. */
  readonly sinceMs?: number;
  readonly untilMs?: number;
}

export function createAggregate(): Aggregate {
  return { podSecurity: 0, outsideWindow: 0, namespaces: new Map(), exemptions: new Map() };
}

function createTally(): Tally {
  return {
    events: 0,
    auditViolations: 0,
    refused: 0,
    errors: 0,
    exempt: { namespace: 0, user: 0, runtimeClass: 0 },
    byCheck: new Map(),
    refusedByCheck: new Map(),
    firstMs: Number.NaN,
    lastMs: Number.NaN,
    firstSeen: '',
    lastSeen: '',
  };
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Adds a user, keeping at most MAX_LISTED_USERS names (the others under the empty key). */
function addUser(users: Map<string, number>, user: string): void {
  if (users.has(user) || users.size < MAX_LISTED_USERS) bump(users, user);
  else bump(users, '');
}

interface Seen {
  firstMs: number;
  lastMs: number;
  firstSeen: string;
  lastSeen: string;
}

function see(target: Seen, event: PodSecurityEvent): void {
  if (Number.isNaN(event.epochMs)) return;
  if (!(event.epochMs >= target.firstMs)) {
    target.firstMs = event.epochMs;
    target.firstSeen = event.time;
  }
  if (!(event.epochMs <= target.lastMs)) {
    target.lastMs = event.epochMs;
    target.lastSeen = event.time;
  }
}

function count(tally: Tally, event: PodSecurityEvent): void {
  tally.events++;
  if (event.auditChecks.length > 0) {
    tally.auditViolations++;
    for (const check of event.auditChecks) bump(tally.byCheck, check);
  }
  if (event.refused) {
    tally.refused++;
    for (const check of event.refusedChecks) bump(tally.refusedByCheck, check);
  }
  if (event.error !== undefined) tally.errors++;
  if (event.exempt !== undefined) tally.exempt[event.exempt]++;
  see(tally, event);
}

function countDay(days: Map<string, DayCounts>, event: PodSecurityEvent): void {
  if (Number.isNaN(event.epochMs)) return;
  const day = new Date(event.epochMs).toISOString().slice(0, 10);
  let counts = days.get(day);
  if (counts === undefined) {
    counts = { auditViolations: 0, refused: 0, exempt: 0 };
    days.set(day, counts);
  }
  if (event.auditChecks.length > 0) counts.auditViolations++;
  if (event.refused) counts.refused++;
  if (event.exempt !== undefined) counts.exempt++;
}

function runtimeClassName(requestObject: unknown): string {
  const spec = (requestObject as { spec?: { runtimeClassName?: unknown } } | undefined)?.spec;
  return typeof spec?.runtimeClassName === 'string' ? spec.runtimeClassName : '';
}

/** What decides a pod's verdict: its spec and the metadata the checks read (annotations). */
function sampleKey(namespace: string, owner: Owner, resource: string, requestObject: unknown): string {
  const object = requestObject as { metadata?: { annotations?: unknown }; spec?: unknown } | undefined;
  const content =
    object === undefined ? '' : JSON.stringify([object.metadata?.annotations ?? null, object.spec ?? null]);
  return `${namespace}\u0000${owner.kind}\u0000${owner.name}\u0000${resource}\u0000${content}`;
}

function recordExemption(aggregate: Aggregate, event: PodSecurityEvent, kind: ExemptionKind, owner: Owner): void {
  const value =
    kind === 'namespace' ? event.namespace : kind === 'user' ? event.user : runtimeClassName(event.requestObject);
  const key = `${kind}\u0000${value}`;
  let use = aggregate.exemptions.get(key);
  if (use === undefined) {
    use = {
      kind,
      value,
      used: 0,
      users: new Map(),
      samples: new Map(),
      firstMs: Number.NaN,
      lastMs: Number.NaN,
      firstSeen: '',
      lastSeen: '',
    };
    aggregate.exemptions.set(key, use);
  }
  use.used++;
  addUser(use.users, event.user);
  see(use, event);
  // Pods only: a workload object is never refused, only warned about, so removing an exemption cannot refuse it.
  const isPod = event.resource === 'pods' && (event.verb === 'create' || event.verb === 'update');
  const requestObject = isPod ? event.requestObject : undefined;
  const skey = sampleKey(event.namespace, owner, event.resource, requestObject);
  let sample = use.samples.get(skey);
  if (sample === undefined) {
    sample = {
      namespace: event.namespace,
      owner,
      resource: event.resource,
      ...(requestObject === undefined ? {} : { requestObject }),
      users: new Map(),
      count: 0,
    };
    use.samples.set(skey, sample);
  }
  sample.count++;
  addUser(sample.users, event.user);
}

/** Adds one event (skipped, and counted, when outside the window). */
export function addEvent(aggregate: Aggregate, event: PodSecurityEvent, window: TimeWindow): void {
  if (window.sinceMs !== undefined || window.untilMs !== undefined) {
    const ms = event.epochMs;
    if (
      Number.isNaN(ms) ||
      (window.sinceMs !== undefined && ms < window.sinceMs) ||
      (window.untilMs !== undefined && ms > window.untilMs)
    ) {
      aggregate.outsideWindow++;
      return;
    }
  }
  aggregate.podSecurity++;
  let ns = aggregate.namespaces.get(event.namespace);
  if (ns === undefined) {
    ns = { ...createTally(), name: event.namespace, owners: new Map(), days: new Map(), enforcePolicyMs: Number.NaN };
    aggregate.namespaces.set(event.namespace, ns);
  }
  count(ns, event);
  countDay(ns.days, event);
  if (event.enforcePolicy !== undefined && !(event.epochMs < ns.enforcePolicyMs)) {
    ns.enforcePolicy = event.enforcePolicy;
    ns.enforcePolicyMs = event.epochMs;
  }
  const owner = resolveOwner(event.resource, event.name, event.user, event.requestObject);
  const ownerKey = `${owner.kind}/${owner.name}`;
  let tally = ns.owners.get(ownerKey);
  if (tally === undefined) {
    tally = { ...createTally(), ...owner, users: new Map() };
    ns.owners.set(ownerKey, tally);
  }
  count(tally, event);
  addUser(tally.users, event.user);
  if (event.exempt !== undefined) recordExemption(aggregate, event, event.exempt, owner);
}
