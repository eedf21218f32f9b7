/**
 * What one kube-apiserver audit event (`audit.k8s.io/v1` `Event`) says about Pod Security: the annotations the
 * PodSecurity plugin (or psa's webhook, whose keys carry its name instead) adds, and a `violates PodSecurity` refusal in
 * the response status. Everything else in the event is read only to name the request: namespace, object, user, time.
 */

/** The annotation keys Pod Security writes, after its prefix. */
export const PodSecurityAnnotations = {
  auditViolations: 'audit-violations',
  enforcePolicy: 'enforce-policy',
  exempt: 'exempt',
  error: 'error',
} as const;

/** `pod-security.kubernetes.io/` for the built-in plugin, `<webhook name>/` for psa's webhook. */
const KEY =
  /^(?:pod-security\.kubernetes\.io|(?:advisory\.)?psa\.kube-psa\.io)\/(audit-violations|enforce-policy|exempt|error)$/;

export const ExemptionKinds = { namespace: 'namespace', user: 'user', runtimeClass: 'runtimeClass' } as const;
export type ExemptionKind = (typeof ExemptionKinds)[keyof typeof ExemptionKinds];

/** A request Pod Security looked at, as the audit log recorded it. */
export interface PodSecurityEvent {
  /** `stageTimestamp` (or `requestReceivedTimestamp`), RFC 3339 as written. */
  readonly time: string;
  /** `time` in epoch milliseconds (NaN when absent or unreadable). */
  readonly epochMs: number;
  readonly namespace: string;
  /** `objectRef.resource`, with `/subresource` when there is one: `pods`, `pods/ephemeralcontainers`, `deployments`. */
  readonly resource: string;
  /** `objectRef.name`; empty for a create by `generateName` logged before the name was generated. */
  readonly name: string;
  readonly verb: string;
  readonly user: string;
  /** The check reasons of the audit-violations annotation, in order (`runAsNonRoot != true`, ...). */
  readonly auditChecks: readonly string[];
  /** The level the audit annotation names (`restricted:latest`). */
  readonly auditPolicy?: string;
  /** The enforce-policy annotation (`baseline:latest`). */
  readonly enforcePolicy?: string;
  /** The check reasons of a `violates PodSecurity` refusal. */
  readonly refusedChecks: readonly string[];
  readonly refused: boolean;
  readonly exempt?: ExemptionKind;
  readonly error?: string;
  /** The request object, when the audit level was Request or RequestResponse. */
  readonly requestObject?: unknown;
}

type Json = Readonly<Record<string, unknown>>;

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Splits `reason (detail), reason (detail), reason` at the commas outside parentheses and quotes, keeping each
 * reason: the text before its `(`. Details hold commas (`host namespaces (hostNetwork=true, hostPID=true)`) and
 * quoted names; neither splits.
 */
export function splitCheckReasons(list: string): string[] {
  const reasons: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  let reasonEnd = -1;
  const push = (end: number): void => {
    const reason = list.slice(start, reasonEnd < 0 ? end : reasonEnd).trim();
    if (reason !== '') reasons.push(reason);
  };
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') {
      if (depth === 0 && reasonEnd < 0) reasonEnd = i;
      depth++;
    } else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
      reasonEnd = -1;
    }
  }
  push(list.length);
  return reasons;
}

/** A refusal's message: `pods "x" is forbidden: violates PodSecurity "baseline:latest": ...`. */
const VIOLATES = /violates PodSecurity "([^"]*)": /;
/** The audit annotation (`would violate PodSecurity "restricted:latest": ...`) or a refusal message. */
const VIOLATION_LIST = /(?:would violate|violates) PodSecurity "([^"]*)": /;

/** `would violate PodSecurity "restricted:latest": a (..), b` → the policy and the reasons. */
export function parseViolations(value: string): { readonly policy?: string; readonly checks: readonly string[] } {
  const m = VIOLATION_LIST.exec(value);
  if (m === null) return { checks: splitCheckReasons(value) };
  return { policy: m[1]!, checks: splitCheckReasons(value.slice(m.index + m[0].length)) };
}

/** Stages whose event describes a finished request; the others repeat it (RequestReceived) or precede it. */
const FINAL_STAGES = new Set(['ResponseComplete', 'Panic', '']);

export const EventVerdicts = {
  /** Pod Security took part: annotations or a refusal. */
  podSecurity: 'pod-security',
  /** A well-formed event Pod Security had nothing to do with (or an earlier stage of a request). */
  other: 'other',
} as const;

export type DecodedEvent =
  | { readonly verdict: typeof EventVerdicts.podSecurity; readonly event: PodSecurityEvent }
  | { readonly verdict: typeof EventVerdicts.other };

const OTHER: DecodedEvent = { verdict: EventVerdicts.other };

/** Reads one decoded audit `Event` object. */
export function decodePodSecurityEvent(raw: Json): DecodedEvent {
  if (!FINAL_STAGES.has(text(raw['stage']))) return OTHER;
  const annotations = record(raw['annotations']);
  let auditValue: string | undefined;
  let enforcePolicy: string | undefined;
  let exempt: ExemptionKind | undefined;
  let error: string | undefined;
  if (annotations !== undefined) {
    for (const key in annotations) {
      const m = KEY.exec(key);
      if (m === null) continue;
      const value = text(annotations[key]);
      switch (m[1]) {
        case PodSecurityAnnotations.auditViolations:
          auditValue = value;
          break;
        case PodSecurityAnnotations.enforcePolicy:
          enforcePolicy = value;
          break;
        case PodSecurityAnnotations.exempt:
          if (value === 'namespace' || value === 'user' || value === 'runtimeClass') exempt = value;
          break;
        default:
          error = value;
      }
    }
  }
  const status = record(raw['responseStatus']);
  const message = text(status?.['message']);
  const refused = status?.['code'] === 403 && VIOLATES.test(message);
  if (
    auditValue === undefined &&
    enforcePolicy === undefined &&
    exempt === undefined &&
    error === undefined &&
    !refused
  )
    return OTHER;

  const objectRef = record(raw['objectRef']);
  const subresource = text(objectRef?.['subresource']);
  const resource = text(objectRef?.['resource']);
  const user = record(raw['user']);
  const time = text(raw['stageTimestamp']) || text(raw['requestReceivedTimestamp']);
  const audit = auditValue === undefined ? undefined : parseViolations(auditValue);
  const requestObject = raw['requestObject'];
  const event: PodSecurityEvent = {
    time,
    epochMs: time === '' ? Number.NaN : Date.parse(time),
    namespace: text(objectRef?.['namespace']),
    resource: subresource === '' ? resource : `${resource}/${subresource}`,
    name: text(objectRef?.['name']),
    verb: text(raw['verb']),
    user: text(user?.['username']),
    auditChecks: audit?.checks ?? [],
    ...(audit?.policy === undefined ? {} : { auditPolicy: audit.policy }),
    ...(enforcePolicy === undefined ? {} : { enforcePolicy }),
    refusedChecks: refused ? parseViolations(message).checks : [],
    refused,
    ...(exempt === undefined ? {} : { exempt }),
    ...(error === undefined ? {} : { error }),
    ...(requestObject === undefined || requestObject === null ? {} : { requestObject }),
  };
  return { verdict: EventVerdicts.podSecurity, event };
}
