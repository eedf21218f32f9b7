/**
 * The admission decision for one request (spec §5): routing, exemptions, the pod / pod-controller / namespace flows,
 * evaluation with enforce/audit/warn, responses and metrics. Pure: the world is reached only through the injected
 * NamespaceLookup, PodLister, MetricsRecorder, PodEvaluator, object decoder and clock.
 */
import { formatLevelVersion, LATEST, levelVersionEquals, majorMinor } from '../api/index.ts';
import type { LevelVersion, Version } from '../api/index.ts';
import type { AdmissionRequest, AdmissionResponse, GroupVersionResource } from '../k8s/admission-review.ts';
import type { Namespace } from '../k8s/namespace.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';
import type { PodEvaluation } from '../policy/types.ts';
import { goQuote } from './go-text.ts';
import { evaluatePodsInNamespace, exemptNamespaceWarning } from './namespace-flow.ts';
import type { AdmissionObject, ObjectDecoder } from './objects.ts';
import {
  fieldErrorsEqual,
  formatFieldErrors,
  isEnforceUnchangedOrLooser,
  isFullyPrivileged,
  policyToEvaluate,
} from './policy.ts';
import { allowed, badRequest, forbidden, internalError, invalid, withAnnotations, withWarnings } from './responses.ts';
import { noMetrics } from './types.ts';
import type {
  AdmissionSettings,
  AdmitOptions,
  Clock,
  ExemptionReason,
  FieldError,
  MetricAttributes,
  MetricsRecorder,
  NamespaceLookup,
  PodEvaluator,
  PodLister,
  Policy,
} from './types.ts';

/** Everything admission talks to. Only `settings`, `namespaces`, `pods`, `evaluator` and `decodeObject` are required. */
export interface AdmissionDependencies {
  readonly settings: AdmissionSettings;
  readonly namespaces: NamespaceLookup;
  readonly pods: PodLister;
  readonly evaluator: PodEvaluator;
  readonly decodeObject: ObjectDecoder;
  readonly metrics?: MetricsRecorder;
  /** Defaults to `Date.now`. */
  readonly clock?: Clock;
  /** At most this many existing pods are evaluated on namespace tightening (default 3000). */
  readonly namespaceMaxPodsToCheck?: number;
  /** Time budget for existing-pod evaluation in ms (default 1000); also capped at half the remaining deadline. */
  readonly namespacePodCheckTimeoutMs?: number;
}

/**
 * A pod-controller request without an object (e.g. a DELETE, which the webhook rules never route). Upstream's handler
 * crashes on it and answers HTTP 500; `admitReview` does the same, `admit` rejects with this error.
 */
export class MissingObjectError extends Error {
  override readonly name = 'MissingObjectError';
  constructor() {
    super('pod-controller request without an object: cannot extract a pod template');
  }
}

/** Upstream's defaults for existing-pod evaluation on namespace tightening (§5.8.1). */
export const NAMESPACE_MAX_PODS_TO_CHECK = 3000;
export const NAMESPACE_POD_CHECK_TIMEOUT_MS = 1000;

/** The newest policy version, which our metrics treat as the server's own version unless told otherwise. */
export const DEFAULT_SERVER_VERSION: Version = majorMinor(37);

/** The request attributes the flows read, resolved once per request. */
interface Attributes {
  readonly request: AdmissionRequest;
  readonly name: string;
  readonly namespace: string;
  readonly resource: GroupVersionResource;
  readonly subresource: string;
  readonly operation: string;
  readonly username: string;
  readonly metric: MetricAttributes;
}

const IGNORED_POD_SUBRESOURCES: ReadonlySet<string> = new Set([
  'exec',
  'attach',
  'binding',
  'eviction',
  'log',
  'portforward',
  'proxy',
  'status',
]);

const ALLOWED: AdmissionResponse = Object.freeze({ uid: '', allowed: true });

/** Lowercased operation label (§5.10). */
export function operationLabel(operation: string): string {
  if (operation === 'CREATE') return 'create';
  if (operation === 'UPDATE') return 'update';
  return operation.toLowerCase();
}

/** `pod`, `namespace` or `controller` (§5.10). */
export function resourceLabel(resource: GroupVersionResource): string {
  if (resource.group === '') {
    if (resource.resource === 'pods') return 'pod';
    if (resource.resource === 'namespaces') return 'namespace';
  }
  return 'controller';
}

function attributesOf(request: AdmissionRequest): Attributes {
  const subresource = request.requestSubResource ?? '';
  return {
    request,
    name: request.name ?? '',
    namespace: request.namespace ?? '',
    resource: request.resource,
    subresource,
    operation: request.operation,
    username: request.userInfo.username ?? '',
    metric: { operation: operationLabel(request.operation), resource: resourceLabel(request.resource), subresource },
  };
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A pod-security admission controller: one per configuration, shared by all requests. */
export class PodSecurityAdmission {
  readonly #settings: AdmissionSettings;
  readonly #namespaces: NamespaceLookup;
  readonly #pods: PodLister;
  readonly #evaluator: PodEvaluator;
  readonly #decode: ObjectDecoder;
  readonly #metrics: MetricsRecorder;
  readonly #clock: Clock;
  readonly #maxPods: number;
  readonly #podTimeoutMs: number;
  readonly #exemptNamespaces: ReadonlySet<string>;
  readonly #exemptUsers: ReadonlySet<string>;
  readonly #exemptRuntimeClasses: ReadonlySet<string>;

  constructor(deps: AdmissionDependencies) {
    this.#settings = deps.settings;
    this.#namespaces = deps.namespaces;
    this.#pods = deps.pods;
    this.#evaluator = deps.evaluator;
    this.#decode = deps.decodeObject;
    this.#metrics = deps.metrics ?? noMetrics;
    this.#clock = deps.clock ?? Date.now;
    this.#maxPods = deps.namespaceMaxPodsToCheck ?? NAMESPACE_MAX_PODS_TO_CHECK;
    this.#podTimeoutMs = deps.namespacePodCheckTimeoutMs ?? NAMESPACE_POD_CHECK_TIMEOUT_MS;
    this.#exemptNamespaces = new Set(deps.settings.exemptions.namespaces);
    this.#exemptUsers = new Set(deps.settings.exemptions.usernames);
    this.#exemptRuntimeClasses = new Set(deps.settings.exemptions.runtimeClasses);
  }

  get settings(): AdmissionSettings {
    return this.#settings;
  }

  /**
   * Decides one request. The response's `uid` is copied from the request. Rejects with {@link MissingObjectError}
   * where upstream's handler would crash.
   */
  async admit(request: AdmissionRequest, options: AdmitOptions = {}): Promise<AdmissionResponse> {
    const attrs = attributesOf(request);
    let response: AdmissionResponse;
    if (attrs.resource.group === '' && attrs.resource.resource === 'namespaces') {
      response = await this.#validateNamespace(attrs, options);
    } else if (attrs.resource.group === '' && attrs.resource.resource === 'pods') {
      response = await this.#validatePod(attrs, options);
    } else {
      response = await this.#validatePodController(attrs, options);
    }
    return { ...response, uid: request.uid };
  }

  isExemptNamespace(namespace: string): boolean {
    return namespace !== '' && this.#exemptNamespaces.has(namespace);
  }

  isExemptUser(username: string): boolean {
    return username !== '' && this.#exemptUsers.has(username);
  }

  isExemptRuntimeClass(runtimeClassName: string | undefined): boolean {
    return (
      runtimeClassName !== undefined && runtimeClassName !== '' && this.#exemptRuntimeClasses.has(runtimeClassName)
    );
  }

  async #validateNamespace(attrs: Attributes, options: AdmitOptions): Promise<AdmissionResponse> {
    if (attrs.subresource !== '') return ALLOWED;
    const decoded = this.#decode(attrs.request.object, attrs.request.kind);
    if (!decoded.ok) return badRequest('failed to decode object', decoded.error);
    const namespace = decoded.object;
    if (namespace?.type !== 'Namespace') return badRequest('failed to decode namespace');
    const labels = namespace.metadata.labels;
    const next = policyToEvaluate(labels, this.#settings.defaults);

    if (attrs.operation === 'CREATE') {
      if (next.errors.length > 0) return this.#invalid(attrs, next.errors);
      if (this.isExemptNamespace(attrs.namespace)) {
        const warning = exemptNamespaceWarning(
          namespace.metadata.name ?? '',
          next.policy,
          labels,
          this.#settings.defaults,
        );
        if (warning !== '') return withWarnings(allowed(), [warning]);
      }
      return ALLOWED;
    }
    if (attrs.operation !== 'UPDATE') return ALLOWED;

    const decodedOld = this.#decode(attrs.request.oldObject, attrs.request.kind);
    if (!decodedOld.ok) return badRequest('failed to decode  old object', decodedOld.error);
    const oldNamespace = decodedOld.object;
    if (oldNamespace?.type !== 'Namespace') return badRequest('failed to decode  old namespace');
    const previous = policyToEvaluate(oldNamespace.metadata.labels, this.#settings.defaults);

    if (next.errors.length > 0 && (previous.errors.length === 0 || !fieldErrorsEqual(next.errors, previous.errors))) {
      return this.#invalid(attrs, next.errors);
    }
    if (isEnforceUnchangedOrLooser(next.policy.enforce, previous.policy.enforce)) return ALLOWED;
    if (this.isExemptNamespace(attrs.namespace)) {
      const warning = exemptNamespaceWarning(
        namespace.metadata.name ?? '',
        next.policy,
        labels,
        this.#settings.defaults,
      );
      return warning === '' ? ALLOWED : withWarnings(allowed(), [warning]);
    }
    const warnings = await evaluatePodsInNamespace(namespace.metadata.name ?? '', next.policy.enforce, {
      pods: this.#pods,
      evaluator: this.#evaluator,
      clock: this.#clock,
      maxPods: this.#maxPods,
      timeoutMs: this.#podTimeoutMs,
      isExemptRuntimeClass: (name) => this.isExemptRuntimeClass(name),
      ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return warnings.length === 0 ? allowed() : withWarnings(allowed(), warnings);
  }

  #invalid(attrs: Attributes, errors: readonly FieldError[]): AdmissionResponse {
    const kind = attrs.request.kind;
    return invalid({ group: kind.group, kind: kind.kind }, attrs.name, errors);
  }

  async #validatePod(attrs: Attributes, options: AdmitOptions): Promise<AdmissionResponse> {
    if (IGNORED_POD_SUBRESOURCES.has(attrs.subresource)) return ALLOWED;
    const exempt = this.#exemptRequest(attrs);
    if (exempt !== undefined) return exempt;

    let labels: Readonly<Record<string, string>> | undefined;
    try {
      const namespace = await this.#lookupNamespace(attrs.namespace, options);
      labels = namespace.metadata.labels;
    } catch (error) {
      this.#metrics.recordError(true, attrs.metric);
      return internalError(`failed to lookup namespace ${goQuote(attrs.namespace)}`, errorText(error));
    }
    const ns = policyToEvaluate(labels, this.#settings.defaults);
    if (ns.errors.length === 0 && isFullyPrivileged(ns.policy)) {
      this.#metrics.recordEvaluation('allow', ns.policy.enforce, 'enforce', attrs.metric);
      return ALLOWED_PRIVILEGED;
    }

    const decoded = this.#decode(attrs.request.object, attrs.request.kind);
    if (!decoded.ok) {
      this.#metrics.recordError(true, attrs.metric);
      return badRequest('failed to decode object', decoded.error);
    }
    const pod = decoded.object;
    if (pod?.type !== 'Pod') {
      this.#metrics.recordError(true, attrs.metric);
      return badRequest('failed to decode pod');
    }
    if (attrs.operation === 'UPDATE') {
      const decodedOld = this.#decode(attrs.request.oldObject, attrs.request.kind);
      if (!decodedOld.ok) {
        this.#metrics.recordError(true, attrs.metric);
        return badRequest('failed to decode old object', decodedOld.error);
      }
      const oldPod = decodedOld.object;
      if (oldPod?.type !== 'Pod') {
        this.#metrics.recordError(true, attrs.metric);
        return badRequest('failed to decode old pod');
      }
      if (!isSignificantPodUpdate(pod.spec, oldPod.spec)) return ALLOWED;
    }
    return this.#evaluate(ns.policy, ns.errors, pod.metadata, pod.spec, attrs, true);
  }

  async #validatePodController(attrs: Attributes, options: AdmitOptions): Promise<AdmissionResponse> {
    if (attrs.subresource !== '') return ALLOWED;
    const exempt = this.#exemptRequest(attrs);
    if (exempt !== undefined) return exempt;

    let labels: Readonly<Record<string, string>> | undefined;
    try {
      const namespace = await this.#lookupNamespace(attrs.namespace, options);
      labels = namespace.metadata.labels;
    } catch (error) {
      this.#metrics.recordError(true, attrs.metric);
      return withAnnotations(allowed(), {
        error: `failed to lookup namespace ${goQuote(attrs.namespace)}: ${errorText(error)}`,
      });
    }
    const ns = policyToEvaluate(labels, this.#settings.defaults);
    if (ns.errors.length === 0 && ns.policy.warn.level === 'privileged' && ns.policy.audit.level === 'privileged') {
      return ALLOWED;
    }
    const decoded = this.#decode(attrs.request.object, attrs.request.kind);
    if (!decoded.ok) {
      this.#metrics.recordError(true, attrs.metric);
      return withAnnotations(allowed(), { error: `failed to decode object: ${decoded.error}` });
    }
    const template = extractTemplate(decoded.object);
    if (!template.ok) {
      this.#metrics.recordError(true, attrs.metric);
      return withAnnotations(allowed(), { error: `failed to extract pod template: ${template.error}` });
    }
    if (template.shape === null) return ALLOWED;
    return this.#evaluate(ns.policy, ns.errors, template.shape.metadata, template.shape.spec, attrs, false);
  }

  #lookupNamespace(name: string, options: AdmitOptions): Namespace | Promise<Namespace> {
    // `options.signal` is read only on a cache miss: the webhook makes it lazily.
    return this.#namespaces.cachedNamespace?.(name) ?? this.#namespaces.getNamespace(name, options.signal);
  }

  #exemptRequest(attrs: Attributes): AdmissionResponse | undefined {
    if (this.isExemptNamespace(attrs.namespace)) {
      this.#metrics.recordExemption(attrs.metric);
      return EXEMPT.namespace;
    }
    if (this.isExemptUser(attrs.username)) {
      this.#metrics.recordExemption(attrs.metric);
      return EXEMPT.user;
    }
    return undefined;
  }

  #evaluate(
    policy: Policy,
    errors: readonly FieldError[],
    metadata: ObjectMeta,
    spec: PodSpec,
    attrs: Attributes,
    enforce: boolean,
  ): AdmissionResponse {
    if (this.isExemptRuntimeClass(spec.runtimeClassName)) {
      this.#metrics.recordExemption(attrs.metric);
      return EXEMPT.runtimeClass;
    }
    // One response object built at the end (no intermediate copies): the fields are those of `allowed()` or
    // `forbidden(...)`, then `warnings`, then `auditAnnotations`, as withWarnings/withAnnotations would leave them.
    const annotations: Record<string, string> = {};
    let hasAnnotations = false;
    if (errors.length > 0) {
      annotations['error'] = `Failed to parse policy: ${formatFieldErrors(errors)}`;
      hasAnnotations = true;
      this.#metrics.recordError(false, attrs.metric);
    }
    const cache = new EvaluationCache(this.#evaluator, metadata, spec);
    let denial: AdmissionResponse | undefined;
    if (enforce) {
      annotations['enforce-policy'] = formatLevelVersion(policy.enforce);
      hasAnnotations = true;
      const result = cache.get(policy.enforce);
      if (!result.allowed) {
        denial = forbidden(
          attrs.resource,
          attrs.name,
          `violates PodSecurity ${goQuote(formatLevelVersion(policy.enforce))}: ${result.forbiddenDetail}`,
        );
        this.#metrics.recordEvaluation('deny', policy.enforce, 'enforce', attrs.metric);
      } else {
        this.#metrics.recordEvaluation('allow', policy.enforce, 'enforce', attrs.metric);
      }
    }
    const audit = cache.get(policy.audit);
    if (!audit.allowed) {
      annotations['audit-violations'] = wouldViolate(policy.audit, audit);
      hasAnnotations = true;
      this.#metrics.recordEvaluation('deny', policy.audit, 'audit', attrs.metric);
    }
    if (denial !== undefined) return hasAnnotations ? { ...denial, auditAnnotations: annotations } : denial;
    let warning: string | undefined;
    const warn = cache.get(policy.warn);
    if (!warn.allowed) {
      warning = wouldViolate(policy.warn, warn);
      this.#metrics.recordEvaluation('deny', policy.warn, 'warn', attrs.metric);
    }
    if (warning === undefined)
      return hasAnnotations ? { uid: '', allowed: true, auditAnnotations: annotations } : allowed();
    return hasAnnotations
      ? { uid: '', allowed: true, warnings: [warning], auditAnnotations: annotations }
      : { uid: '', allowed: true, warnings: [warning] };
  }
}

/** Evaluations of one pod, keyed by exact LevelVersion. */
class EvaluationCache {
  readonly #evaluator: PodEvaluator;
  readonly #metadata: ObjectMeta;
  readonly #spec: PodSpec;
  readonly #entries: { readonly lv: LevelVersion; readonly result: PodEvaluation }[] = [];

  constructor(evaluator: PodEvaluator, metadata: ObjectMeta, spec: PodSpec) {
    this.#evaluator = evaluator;
    this.#metadata = metadata;
    this.#spec = spec;
  }

  get(lv: LevelVersion): PodEvaluation {
    for (const entry of this.#entries) if (levelVersionEquals(entry.lv, lv)) return entry.result;
    const result = this.#evaluator.evaluatePod(lv, this.#metadata, this.#spec);
    this.#entries.push({ lv, result });
    return result;
  }
}

/** `would violate PodSecurity "<LV>": <detail>` (§4.2). */
export function wouldViolate(lv: LevelVersion, result: PodEvaluation): string {
  return `would violate PodSecurity ${goQuote(formatLevelVersion(lv))}: ${result.forbiddenDetail}`;
}

/** `violates PodSecurity "<LV>": <detail>` (§4.2). */
export function violates(lv: LevelVersion, result: PodEvaluation): string {
  return `violates PodSecurity ${goQuote(formatLevelVersion(lv))}: ${result.forbiddenDetail}`;
}

const EXEMPT: Readonly<Record<ExemptionReason, AdmissionResponse>> = Object.freeze({
  namespace: Object.freeze({ uid: '', allowed: true, auditAnnotations: Object.freeze({ exempt: 'namespace' }) }),
  user: Object.freeze({ uid: '', allowed: true, auditAnnotations: Object.freeze({ exempt: 'user' }) }),
  runtimeClass: Object.freeze({ uid: '', allowed: true, auditAnnotations: Object.freeze({ exempt: 'runtimeClass' }) }),
});

const ALLOWED_PRIVILEGED: AdmissionResponse = Object.freeze({
  uid: '',
  allowed: true,
  auditAnnotations: Object.freeze({ 'enforce-policy': formatLevelVersion({ level: 'privileged', version: LATEST }) }),
});

type TemplateExtraction =
  | { readonly ok: true; readonly shape: { readonly metadata: ObjectMeta; readonly spec: PodSpec } | null }
  | { readonly ok: false; readonly error: string };

function extractTemplate(object: AdmissionObject | undefined): TemplateExtraction {
  if (object === undefined) throw new MissingObjectError();
  switch (object.type) {
    case 'Pod':
      return { ok: true, shape: { metadata: object.metadata, spec: object.spec } };
    case 'Template':
      return { ok: true, shape: object.template };
    case 'Namespace':
    case 'Other':
      return {
        ok: false,
        error: `unexpected object type: ${object.gvk.group}/${object.gvk.version}, Kind=${object.gvk.kind}`,
      };
  }
}

/** Whether a pod UPDATE must be evaluated (§5.7). */
export function isSignificantPodUpdate(spec: PodSpec, oldSpec: PodSpec): boolean {
  const containers = spec.containers ?? [];
  const oldContainers = oldSpec.containers ?? [];
  const inits = spec.initContainers ?? [];
  const oldInits = oldSpec.initContainers ?? [];
  if (containers.length !== oldContainers.length || inits.length !== oldInits.length) return true;
  for (let i = 0; i < containers.length; i++)
    if ((containers[i]?.image ?? '') !== (oldContainers[i]?.image ?? '')) return true;
  for (let i = 0; i < inits.length; i++) if ((inits[i]?.image ?? '') !== (oldInits[i]?.image ?? '')) return true;
  const oldEphemeral = oldSpec.ephemeralContainers ?? [];
  for (const container of spec.ephemeralContainers ?? []) {
    const name = container.name ?? '';
    const old = oldEphemeral.find((c) => (c.name ?? '') === name);
    if (old === undefined) return true;
    if ((container.image ?? '') !== (old.image ?? '')) return true;
  }
  return false;
}
