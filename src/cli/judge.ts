/**
 * The offline admission emulation: what the API server (with Pod Security configured by `settings`) answers for each
 * object of the input, applied in input order like `kubectl apply`, and what happens to the pods controllers create.
 */
import { formatLevelVersion, levelVersionEquals, type LevelVersion } from '../api/level-version.ts';
import type { Mode } from '../api/labels.ts';
import type { AdmissionSettings, ListedPod, Policy } from '../admission/index.ts';
import {
  evaluatePodsInNamespace,
  exemptNamespaceWarning,
  fieldErrorsEqual,
  isEnforceUnchangedOrLooser,
  NAMESPACE_MAX_PODS_TO_CHECK,
  formatFieldErrors,
  policyToEvaluate,
} from '../admission/index.ts';
import type { ObjectMeta, PodShape } from '../k8s/index.ts';
import { goQuote } from '../policy/index.ts';
import { applyDefaults, evaluate, type PodEvaluation } from './adapters.ts';
import type { Position } from './input/document-stream.ts';
import { BUILTIN_NAMESPACES, kindInfo, SUFFIX_PLACEHOLDER } from './kinds.ts';
import type { FieldIssue, ModeVerdict, NamespaceEvent, ObjectVerdict } from './model.ts';

export interface JudgeOptions {
  readonly settings: AdmissionSettings;
  /** Namespace for objects that name none. */
  readonly defaultNamespace: string;
  /** `--namespace-labels`: labels that add to / override those of Namespace objects. */
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The requesting user (for username exemptions); empty is never exempt. */
  readonly username: string;
}

/** The pod-bearing object to judge, already decoded. */
export interface PodBearing {
  readonly file: string;
  readonly index: number;
  readonly position: Position;
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly template: PodShape | null;
  readonly issues: readonly FieldIssue[];
}

const NO_WARNINGS: readonly string[] = Object.freeze([]);

interface NamespacePolicyState {
  readonly policy: Policy;
  readonly policyError: string | undefined;
  /** Controllers get nothing when warn and audit are privileged and the labels parse (§5.5 step 5). */
  readonly quietController: boolean;
}

interface NamespaceState {
  labels: Readonly<Record<string, string>>;
}

/** Keeps the namespaces seen so far (labels from Namespace objects) and judges objects against them. */
export class Judge {
  readonly #options: JudgeOptions;
  readonly #namespaces = new Map<string, NamespaceState>();
  readonly #policies = new Map<string, NamespacePolicyState>();
  /** Pods that exist per namespace (admitted Pods, pods of workloads whose pods are admitted), capped like upstream. */
  readonly #existing = new Map<string, { pods: ListedPod[]; dropped: number }>();

  constructor(options: JudgeOptions) {
    this.#options = options;
  }

  /** The labels in effect for a namespace: its Namespace object's, then `--namespace-labels` on top. */
  labelsOf(namespace: string): Readonly<Record<string, string>> {
    const own = this.#namespaces.get(namespace)?.labels ?? {};
    const extra = this.#options.namespaceLabels.get(namespace);
    return extra === undefined ? own : { ...own, ...extra };
  }

  #isExemptNamespace(namespace: string): boolean {
    return namespace !== '' && this.#options.settings.exemptions.namespaces.includes(namespace);
  }

  #isExemptUser(user: string | undefined): boolean {
    return user !== undefined && user !== '' && this.#options.settings.exemptions.usernames.includes(user);
  }

  #isExemptRuntimeClass(shape: PodShape): boolean {
    const rc = shape.spec.runtimeClassName;
    return rc !== undefined && rc !== '' && this.#options.settings.exemptions.runtimeClasses.includes(rc);
  }

  /** The policy for a namespace, computed once per label change (not per object). */
  #policyOf(namespace: string): NamespacePolicyState {
    let state = this.#policies.get(namespace);
    if (state === undefined) {
      const { policy, errors } = policyToEvaluate(this.labelsOf(namespace), this.#options.settings.defaults);
      state = {
        policy,
        policyError: errors.length > 0 ? `Failed to parse policy: ${formatFieldErrors(errors)}` : undefined,
        quietController:
          errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged',
      };
      this.#policies.set(namespace, state);
    }
    return state;
  }

  /** Judges a Pod or a workload as the API server would (§5.4-§5.6), plus its controller's pods for workloads. */
  judge(object: PodBearing): ObjectVerdict {
    const info = kindInfo(object.kind);
    const isPod = object.kind === 'Pod';
    const meta = object.metadata;
    const namespace = meta.namespace ?? this.#options.defaultNamespace;
    const name = meta.name ?? (meta.generateName !== undefined ? `${meta.generateName}${SUFFIX_PLACEHOLDER}` : '');
    const podName = isPod ? name : (info?.podName(name) ?? name);
    const template = object.template;
    const state = this.#isExemptNamespace(namespace) ? undefined : this.#policyOf(namespace);
    const exempt: ObjectVerdict['exempt'] =
      state === undefined
        ? 'namespace'
        : this.#isExemptUser(this.#options.username)
          ? 'user'
          : template !== null && this.#isExemptRuntimeClass(template)
            ? 'runtimeClass'
            : undefined;
    let enforce: ModeVerdict | undefined;
    let audit: ModeVerdict | undefined;
    let warn: ModeVerdict | undefined;
    let warnings: readonly string[] = NO_WARNINGS;
    let refused = false;
    let refusal: string | undefined;
    // An object with invalid fields is not judged: the API server would reject it before admission.
    if (exempt === undefined && state !== undefined && template !== null && object.issues.length === 0) {
      const policy = state.policy;
      // The object itself: a Pod is defaulted as a Pod; a workload's template as a template.
      const shape = applyDefaults(template, isPod);
      const auditResult = evaluate(policy.audit, shape.metadata, shape.spec);
      const warnResult = levelVersionEquals(policy.warn, policy.audit)
        ? auditResult
        : evaluate(policy.warn, shape.metadata, shape.spec);
      audit = modeVerdict('audit', policy.audit, auditResult);
      warn =
        levelVersionEquals(policy.warn, policy.audit) && auditResult === warnResult
          ? { ...audit, mode: 'warn' }
          : modeVerdict('warn', policy.warn, warnResult);
      // For a workload, enforce is what its controller's pods meet: the template defaulted as a Pod.
      const podShape = isPod ? shape : applyDefaults(template, true);
      const enforceResult =
        podShape === shape && levelVersionEquals(policy.enforce, policy.audit)
          ? auditResult
          : evaluate(policy.enforce, podShape.metadata, podShape.spec);
      enforce = modeVerdict('enforce', policy.enforce, enforceResult);
      if (isPod) {
        refused = !enforce.allowed;
        if (refused) refusal = `pods ${goQuote(name)} is forbidden: ${enforce.message}`;
        // No warnings on a denied request (§5.6).
        else if (!warn.allowed) warnings = [warn.message];
      } else {
        if (!state.quietController && !warn.allowed) warnings = [warn.message];
        refused = info?.controller !== undefined && !enforce.allowed && !this.#isExemptUser(info.controllerUser);
        if (refused) refusal = `Error creating: pods ${goQuote(podName)} is forbidden: ${enforce.message}`;
      }
      if (!refused && (isPod || info?.controller !== undefined)) {
        const podMeta: ObjectMeta = isPod
          ? podShape.metadata
          : {
              ...podShape.metadata,
              name: podName,
              ownerReferences: [
                {
                  apiVersion: object.apiVersion,
                  kind: object.kind,
                  name,
                  uid: `${object.kind}/${namespace}/${name}`,
                  controller: true,
                },
              ],
            };
        this.#recordPod(namespace, { metadata: podMeta, spec: podShape.spec });
      }
    } else if (
      exempt === 'user' &&
      state !== undefined &&
      template !== null &&
      object.issues.length === 0 &&
      info?.controller !== undefined &&
      !this.#isExemptRuntimeClass(template)
    ) {
      // The requester is exempt, but the controller creates the pods as its own service account.
      const podShape = applyDefaults(template, true);
      enforce = modeVerdict(
        'enforce',
        state.policy.enforce,
        evaluate(state.policy.enforce, podShape.metadata, podShape.spec),
      );
      refused = !enforce.allowed && !this.#isExemptUser(info.controllerUser);
      if (refused) refusal = `Error creating: pods ${goQuote(podName)} is forbidden: ${enforce.message}`;
    }
    return {
      file: object.file,
      index: object.index,
      position: object.position,
      apiVersion: object.apiVersion,
      kind: object.kind,
      resource: info?.resource ?? object.kind.toLowerCase(),
      namespace,
      name,
      category: isPod ? 'pod' : 'workload',
      controller: info?.controller,
      podName,
      issues: object.issues,
      exempt,
      policyError: exempt === undefined ? state?.policyError : undefined,
      enforce,
      audit,
      warn,
      warnings,
      refused,
      refusal,
    };
  }

  /** Remembers a pod that now exists in its namespace, for namespace updates that tighten enforce (§5.8.1). */
  #recordPod(namespace: string, pod: ListedPod): void {
    let pods = this.#existing.get(namespace);
    if (pods === undefined) {
      pods = { pods: [], dropped: 0 };
      this.#existing.set(namespace, pods);
    }
    if (pods.pods.length < NAMESPACE_MAX_PODS_TO_CHECK) pods.pods.push(pod);
    else pods.dropped++;
  }

  /**
   * Applies a Namespace object as a create or an update (§5.8): label validation, the exempt-namespace warning, and,
   * when an update tightens enforce, upstream's warnings about the pods already in the namespace (those created
   * earlier in the input, at most upstream's 3,000).
   */
  async applyNamespace(file: string, index: number, position: Position, metadata: ObjectMeta): Promise<NamespaceEvent> {
    const name = metadata.name ?? '';
    const own = metadata.labels ?? {};
    const extra = this.#options.namespaceLabels.get(name);
    const labels = extra === undefined ? own : { ...own, ...extra };
    const exists = this.#namespaces.has(name) || BUILTIN_NAMESPACES.includes(name);
    const action = exists ? ('configured' as const) : ('created' as const);
    const defaults = this.#options.settings.defaults;
    const next = policyToEvaluate(labels, defaults);
    const old = exists ? policyToEvaluate(this.labelsOf(name), defaults) : undefined;
    const event = { file, index, position, name, action };
    if (next.errors.length > 0) {
      if (old === undefined || old.errors.length === 0 || !fieldErrorsEqual(next.errors, old.errors)) {
        return {
          ...event,
          invalid: `Namespace ${goQuote(name)} is invalid: ${formatFieldErrors(next.errors)}`,
          warnings: [],
        };
      }
    }
    const warnings: string[] = [];
    const tightens = old !== undefined && !isEnforceUnchangedOrLooser(next.policy.enforce, old.policy.enforce);
    if (this.#isExemptNamespace(name)) {
      const warning = old === undefined || tightens ? exemptNamespaceWarning(name, next.policy, labels, defaults) : '';
      if (warning !== '') warnings.push(warning);
    } else if (tightens) {
      const existing = this.#existing.get(name);
      const listed: readonly ListedPod[] = existing?.pods ?? [];
      const exemptRuntimeClasses = this.#options.settings.exemptions.runtimeClasses;
      const found = await evaluatePodsInNamespace(name, next.policy.enforce, {
        pods: { listPods: () => Promise.resolve(listed) },
        evaluator: { evaluatePod: evaluate },
        clock: () => 0,
        maxPods: NAMESPACE_MAX_PODS_TO_CHECK,
        timeoutMs: Number.POSITIVE_INFINITY,
        isExemptRuntimeClass: (rc) => rc !== undefined && rc !== '' && exemptRuntimeClasses.includes(rc),
      });
      const dropped = existing?.dropped ?? 0;
      if (dropped > 0) {
        const total = listed.length + dropped;
        warnings.push(
          `new PodSecurity enforce level only checked against the first ${NAMESPACE_MAX_PODS_TO_CHECK} of ${total} existing pods`,
        );
      }
      warnings.push(...found);
    }
    this.#namespaces.set(name, { labels: own });
    this.#policies.delete(name);
    return { ...event, invalid: undefined, warnings };
  }
}

/** One mode's verdict with the exact message the API server would produce. */
export function modeVerdict(mode: Mode, lv: LevelVersion, result: PodEvaluation): ModeVerdict {
  const lvText = goQuote(formatLevelVersion(lv));
  const detail = result.forbiddenDetail;
  return {
    mode,
    level: lv.level,
    version: lv.version.text,
    allowed: result.allowed,
    forbiddenReasons: result.violations.map((v) => v.reason),
    forbiddenDetail: result.allowed ? '' : detail,
    checkIds: result.violations.map((v) => v.checkId),
    message: result.allowed
      ? ''
      : mode === 'enforce'
        ? `violates PodSecurity ${lvText}: ${detail}`
        : `would violate PodSecurity ${lvText}: ${detail}`,
  };
}
