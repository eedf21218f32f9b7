/**
 * The offline admission emulation: what the API server (with Pod Security configured by `settings`) answers for each
 * object of the input, applied in input order like `kubectl apply`, and what happens to the pods controllers create.
 */
import { formatLevelVersion, type LevelVersion } from '../api/level-version.ts';
import type { Mode } from '../api/labels.ts';
import { LabelKeys } from '../api/labels.ts';
import type { AdmissionSettings, Policy } from '../admission/index.ts';
import {
  fieldErrorsEqual,
  formatFieldErrors,
  isEquivalentPolicy,
  isFullyPrivileged,
  policyToEvaluate,
} from '../admission/index.ts';
import type { ObjectMeta, PodShape } from '../k8s/index.ts';
import { goQuote } from '../policy/index.ts';
import { applyDefaults, evaluate, type PodEvaluation } from './adapters.ts';
import type { Position } from './input/documents.ts';
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

interface NamespaceState {
  labels: Readonly<Record<string, string>>;
}

/** Keeps the namespaces seen so far (labels from Namespace objects) and judges objects against them. */
export class Judge {
  readonly #options: JudgeOptions;
  readonly #namespaces = new Map<string, NamespaceState>();

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

  /** Judges a Pod or a workload as the API server would (§5.4-§5.6), plus its controller's pods for workloads. */
  judge(object: PodBearing): ObjectVerdict {
    const info = kindInfo(object.kind);
    const isPod = object.kind === 'Pod';
    const namespace = object.metadata.namespace ?? this.#options.defaultNamespace;
    const name =
      object.metadata.name ??
      (object.metadata.generateName !== undefined ? `${object.metadata.generateName}${SUFFIX_PLACEHOLDER}` : '');
    const podName = isPod ? name : (info?.podName(name) ?? name);
    const base = {
      file: object.file,
      index: object.index,
      position: object.position,
      apiVersion: object.apiVersion,
      kind: object.kind,
      resource: info?.resource ?? object.kind.toLowerCase(),
      namespace,
      name,
      category: isPod ? ('pod' as const) : ('workload' as const),
      controller: info?.controller,
      podName,
      issues: object.issues,
    };
    const nothing = {
      ...base,
      exempt: undefined,
      policyError: undefined,
      enforce: undefined,
      warn: undefined,
      audit: undefined,
      warnings: [],
      refused: false,
      refusal: undefined,
    };
    if (this.#isExemptNamespace(namespace)) return { ...nothing, exempt: 'namespace' };
    if (this.#isExemptUser(this.#options.username)) return { ...nothing, exempt: 'user' };
    const { policy, errors } = policyToEvaluate(this.labelsOf(namespace), this.#options.settings.defaults);
    const policyError = errors.length > 0 ? `Failed to parse policy: ${formatFieldErrors(errors)}` : undefined;
    const template = object.template;
    if (template === null) return { ...nothing, policyError };
    if (this.#isExemptRuntimeClass(template)) return { ...nothing, policyError: undefined, exempt: 'runtimeClass' };

    const cache = new Map<string, PodEvaluation>();
    const shape = applyDefaults(template, isPod);
    const run = (lv: LevelVersion, s: PodShape): PodEvaluation => {
      const key = formatLevelVersion(lv);
      let result = cache.get(key);
      if (result === undefined) {
        result = evaluate(lv, s.metadata, s.spec);
        cache.set(key, result);
      }
      return result;
    };

    if (isPod) {
      const enforce = modeVerdict('enforce', policy.enforce, run(policy.enforce, shape));
      const audit = modeVerdict('audit', policy.audit, run(policy.audit, shape));
      const warn = modeVerdict('warn', policy.warn, run(policy.warn, shape));
      const refused = !enforce.allowed;
      return {
        ...base,
        exempt: undefined,
        policyError,
        enforce,
        audit,
        warn,
        // No warnings on a denied request (§5.6).
        warnings: refused || warn.allowed ? [] : [warn.message],
        refused,
        refusal: refused ? `pods ${goQuote(name)} is forbidden: ${enforce.message}` : undefined,
      };
    }

    // The controller object: warn and audit only, never denied (§5.5).
    const quiet = errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged';
    const audit = modeVerdict('audit', policy.audit, run(policy.audit, shape));
    const warn = modeVerdict('warn', policy.warn, run(policy.warn, shape));
    // The pods its controller creates: the pod flow, with the template defaulted as a Pod, requested by the
    // controller's service account.
    const podShape = applyDefaults(template, true);
    const podCache = new Map<string, PodEvaluation>();
    const enforceResult = (() => {
      const key = formatLevelVersion(policy.enforce);
      let r = podCache.get(key);
      if (r === undefined) {
        r = evaluate(policy.enforce, podShape.metadata, podShape.spec);
        podCache.set(key, r);
      }
      return r;
    })();
    const enforce = modeVerdict('enforce', policy.enforce, enforceResult);
    const controllerExempt = this.#isExemptUser(info?.controllerUser);
    const refused = info?.controller !== undefined && !controllerExempt && !enforce.allowed;
    return {
      ...base,
      exempt: undefined,
      policyError,
      enforce,
      audit,
      warn,
      warnings: quiet || warn.allowed ? [] : [warn.message],
      refused,
      refusal: refused ? `Error creating: pods ${goQuote(podName)} is forbidden: ${enforce.message}` : undefined,
    };
  }

  /** Applies a Namespace object (§5.8 create/update, label validation, exempt-namespace warning). */
  applyNamespace(file: string, index: number, position: Position, metadata: ObjectMeta): NamespaceEvent {
    const name = metadata.name ?? '';
    const labels = metadata.labels ?? {};
    const previous = this.#namespaces.get(name);
    const exists = previous !== undefined || BUILTIN_NAMESPACES.includes(name);
    const action = exists ? ('configured' as const) : ('created' as const);
    const defaults = this.#options.settings.defaults;
    const next = policyToEvaluate(labels, defaults);
    const event = { file, index, position, name, action };
    if (next.errors.length > 0) {
      const old = previous === undefined ? undefined : policyToEvaluate(previous.labels, defaults);
      if (!exists || old === undefined || old.errors.length === 0 || !fieldErrorsEqual(next.errors, old.errors)) {
        return {
          ...event,
          invalid: `Namespace ${goQuote(name)} is invalid: ${formatFieldErrors(next.errors)}`,
          warnings: [],
        };
      }
    }
    const warnings: string[] = [];
    if (this.#isExemptNamespace(name)) {
      const old = previous === undefined ? undefined : policyToEvaluate(previous.labels, defaults).policy;
      const relevant = !exists || old === undefined || !sameEnforceOrLooser(next.policy, old);
      const warning = relevant ? exemptNamespaceWarning(name, labels, next.policy, defaults) : '';
      if (warning !== '') warnings.push(warning);
    }
    this.#namespaces.set(name, { labels });
    return { ...event, invalid: undefined, warnings };
  }
}

function sameEnforceOrLooser(next: Policy, old: Policy): boolean {
  const a = next.enforce;
  const b = old.enforce;
  if (a.level === b.level && a.version.text === b.version.text) return true;
  if (a.level === 'privileged') return true;
  const order = { privileged: 0, baseline: 1, restricted: 2 } as const;
  return a.version.text === b.version.text && order[a.level] <= order[b.level];
}

function exemptNamespaceWarning(
  name: string,
  labels: Readonly<Record<string, string>>,
  policy: Policy,
  defaults: Policy,
): string {
  if (isFullyPrivileged(policy) || isEquivalentPolicy(policy, defaults)) return '';
  const parts: string[] = [];
  const has = (key: string): boolean => Object.hasOwn(labels, key);
  if (policy.enforce.level !== 'privileged' && (has(LabelKeys.enforce) || has(LabelKeys.enforceVersion))) {
    parts.push(`enforce=${formatLevelVersion(policy.enforce)}`);
  }
  if (policy.audit.level !== 'privileged' && (has(LabelKeys.audit) || has(LabelKeys.auditVersion))) {
    parts.push(`audit=${formatLevelVersion(policy.audit)}`);
  }
  if (policy.warn.level !== 'privileged' && (has(LabelKeys.warn) || has(LabelKeys.warnVersion))) {
    parts.push(`warn=${formatLevelVersion(policy.warn)}`);
  }
  return `namespace ${goQuote(name)} is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`;
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
