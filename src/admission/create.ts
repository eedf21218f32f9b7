/**
 * The top-level API the webhook and the CLI use: `createAdmission` (requests and whole AdmissionReview bodies in,
 * responses and Go-identical bytes out) and `evaluateOffline` (one object against a policy, per mode).
 */
import { formatLevelVersion } from '../api/index.ts';
import type { LevelVersion, Version } from '../api/index.ts';
import { decodeAdmissionReviewText, encodeAdmissionReview } from '../k8s/admission-review.ts';
import type { AdmissionRequest, AdmissionResponse, AdmissionReview } from '../k8s/admission-review.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';
import { defaultEvaluator } from '../policy/evaluator.ts';
import type { PodEvaluation } from '../policy/types.ts';
import { DEFAULT_SERVER_VERSION, PodSecurityAdmission, violates, wouldViolate } from './admission.ts';
import { decodeAdmissionObject } from './decode-object.ts';
import type { ObjectDecoder } from './objects.ts';
import { formatFieldErrors, policyToEvaluate } from './policy.ts';
import type {
  AdmissionSettings,
  AdmitOptions,
  Clock,
  ExemptionReason,
  FieldError,
  MetricsRecorder,
  NamespaceLookup,
  PodEvaluator,
  PodLister,
  Policy,
} from './types.ts';

export interface CreateAdmissionOptions {
  readonly settings: AdmissionSettings;
  readonly namespaces: NamespaceLookup;
  readonly pods: PodLister;
  readonly metrics?: MetricsRecorder;
  /** Epoch milliseconds; defaults to `Date.now`. */
  readonly clock?: Clock;
  /**
   * The server version metric labels compare numbered policy versions with (newer ones are labelled `future`).
   * Default v1.37. Exposed as `admission.serverVersion` for the metrics recorder.
   */
  readonly serverVersion?: Version;
  /** The policy engine; defaults to the built-in checks. */
  readonly evaluator?: PodEvaluator;
  /** The object decoder; defaults to upstream-compatible decoding through `src/k8s`. */
  readonly decodeObject?: ObjectDecoder;
  readonly namespaceMaxPodsToCheck?: number;
  readonly namespacePodCheckTimeoutMs?: number;
}

/** The answer to one HTTP body: a review to write with status 200, or a plain-text HTTP error. */
export type ReviewOutcome =
  | {
      readonly ok: true;
      readonly review: AdmissionReview;
      readonly response: AdmissionResponse;
      /** Exactly upstream's bytes, trailing newline included. */
      readonly body: string;
    }
  | {
      readonly ok: false;
      /** 400 for undecodable reviews; 500 `internal server error` where upstream's handler would crash. */
      readonly httpStatus: 400 | 500;
      /** The plain-text body without the trailing newline `http.Error` adds. */
      readonly message: string;
      /** What went wrong, for logs (never sent). */
      readonly detail: string;
    };

export interface Admission {
  readonly settings: AdmissionSettings;
  readonly serverVersion: Version;
  /**
   * Decides a decoded request; the response's `uid` is the request's. Rejects with `MissingObjectError` where
   * upstream's handler would crash (a pod-controller request without an object), and on bugs.
   */
  admit(request: AdmissionRequest, options?: AdmitOptions): Promise<AdmissionResponse>;
  /** Decodes an AdmissionReview body, decides it, and encodes the reply exactly as upstream's webhook would. */
  admitReview(body: string, options?: AdmitOptions): Promise<ReviewOutcome>;
}

/** Builds the admission controller the webhook (and the CLI's request replays) use. */
export function createAdmission(options: CreateAdmissionOptions): Admission {
  const core = new PodSecurityAdmission({
    settings: options.settings,
    namespaces: options.namespaces,
    pods: options.pods,
    evaluator: options.evaluator ?? defaultEvaluator,
    decodeObject: options.decodeObject ?? decodeAdmissionObject,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.namespaceMaxPodsToCheck === undefined
      ? {}
      : { namespaceMaxPodsToCheck: options.namespaceMaxPodsToCheck }),
    ...(options.namespacePodCheckTimeoutMs === undefined
      ? {}
      : { namespacePodCheckTimeoutMs: options.namespacePodCheckTimeoutMs }),
  });
  const serverVersion = options.serverVersion ?? DEFAULT_SERVER_VERSION;
  return {
    settings: options.settings,
    serverVersion,
    admit: (request, admitOptions) => core.admit(request, admitOptions),
    admitReview: async (body, admitOptions) => {
      // A `null` body is not JSON-shaped to upstream's recognizer; its YAML decoder yields an empty review, and the
      // handler then crashes on the missing request.
      if (body.trim() === 'null') {
        return { ok: false, httpStatus: 500, message: 'internal server error', detail: 'the review is null' };
      }
      const decoded = decodeAdmissionReviewText(body);
      if (!decoded.ok) return decoded;
      const request = decoded.review.request;
      if (request === undefined) {
        return { ok: false, httpStatus: 500, message: 'internal server error', detail: 'the review has no request' };
      }
      let response: AdmissionResponse;
      try {
        response = await core.admit(request, admitOptions);
      } catch (error) {
        // Where upstream's handler panics (e.g. a controller request without an object) it answers 500.
        const detail = error instanceof Error ? error.message : String(error);
        return { ok: false, httpStatus: 500, message: 'internal server error', detail };
      }
      const review: AdmissionReview = { ...decoded.review, response };
      return { ok: true, review, response, body: `${encodeAdmissionReview(review)}\n` };
    },
  };
}

/** One mode's verdict in an offline evaluation. */
export interface ModeVerdict {
  readonly levelVersion: LevelVersion;
  /** The engine's evaluation; undefined when the request was exempt. */
  readonly evaluation?: PodEvaluation;
  /**
   * The exact user-visible text when the mode is violated: `violates PodSecurity "<LV>": ...` for enforce,
   * `would violate PodSecurity "<LV>": ...` for warn (the warning) and audit (the `audit-violations` annotation).
   */
  readonly message?: string;
}

export interface OfflineVerdict {
  readonly policy: Policy;
  /** Label errors (§5.2); when present, `policyError` is the `error` audit annotation upstream would add. */
  readonly policyErrors: readonly FieldError[];
  readonly policyError?: string;
  /** Set when the object would be exempt; no mode is evaluated then. */
  readonly exempt?: ExemptionReason;
  readonly enforce: ModeVerdict;
  readonly audit: ModeVerdict;
  readonly warn: ModeVerdict;
}

export interface OfflineInput {
  /** The pod, or the workload's pod template (metadata + spec). */
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
  readonly settings: AdmissionSettings;
  /** The namespace's labels (absent: the configured defaults apply). */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** For namespace exemptions. */
  readonly namespace?: string;
  /** For username exemptions. */
  readonly username?: string;
  readonly evaluator?: PodEvaluator;
}

/**
 * Evaluates one pod (or pod template) the way admission would, without a cluster: the namespace policy from labels
 * and defaults, the exemptions, and per mode the evaluation and the exact message strings.
 */
export function evaluateOffline(input: OfflineInput): OfflineVerdict {
  const evaluator = input.evaluator ?? defaultEvaluator;
  const { policy, errors } = policyToEvaluate(input.namespaceLabels, input.settings.defaults);
  const base = {
    policy,
    policyErrors: errors,
    ...(errors.length === 0 ? {} : { policyError: `Failed to parse policy: ${formatFieldErrors(errors)}` }),
  };
  const exemptions = input.settings.exemptions;
  let exempt: ExemptionReason | undefined;
  if (input.namespace !== undefined && input.namespace !== '' && exemptions.namespaces.includes(input.namespace))
    exempt = 'namespace';
  else if (input.username !== undefined && input.username !== '' && exemptions.usernames.includes(input.username))
    exempt = 'user';
  else if (
    input.spec.runtimeClassName !== undefined &&
    input.spec.runtimeClassName !== '' &&
    exemptions.runtimeClasses.includes(input.spec.runtimeClassName)
  ) {
    exempt = 'runtimeClass';
  }
  if (exempt !== undefined) {
    return {
      ...base,
      exempt,
      enforce: { levelVersion: policy.enforce },
      audit: { levelVersion: policy.audit },
      warn: { levelVersion: policy.warn },
    };
  }
  const cache = new Map<string, PodEvaluation>();
  const evaluate = (lv: LevelVersion): PodEvaluation => {
    const key = formatLevelVersion(lv);
    let result = cache.get(key);
    if (result === undefined) {
      result = evaluator.evaluatePod(lv, input.metadata, input.spec);
      cache.set(key, result);
    }
    return result;
  };
  const verdict = (lv: LevelVersion, enforce: boolean): ModeVerdict => {
    const evaluation = evaluate(lv);
    if (evaluation.allowed) return { levelVersion: lv, evaluation };
    return { levelVersion: lv, evaluation, message: enforce ? violates(lv, evaluation) : wouldViolate(lv, evaluation) };
  };
  return {
    ...base,
    enforce: verdict(policy.enforce, true),
    audit: verdict(policy.audit, false),
    warn: verdict(policy.warn, false),
  };
}
