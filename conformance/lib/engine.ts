/**
 * Our side of the engine differential: a raw request through the decoder and the evaluator, answered in the oracle's
 * `eval` line format so the two can be compared field by field.
 */
import { formatIssue, parseLevel, parseVersion } from '../../src/api/index.ts';
import { VOLUME_SOURCE_KEYS as VOLUME_SOURCES, decodePod } from '../../src/k8s/index.ts';
import { evaluatePod } from '../../src/policy/index.ts';
import type { EvalRequest, EvalResponse } from './oracle.ts';

/** Evaluates one request with our engine; decode problems come back as `error`, like the oracle's. */
export function evaluateOurs(request: EvalRequest): EvalResponse {
  const level = parseLevel(request.level);
  if (!level.ok) return { id: request.id, error: `level ${JSON.stringify(request.level)}: ${level.error}` };
  const version = parseVersion(request.version);
  if (!version.ok) return { id: request.id, error: `version ${JSON.stringify(request.version)}: ${version.error}` };
  const decoded = decodePod(request.pod);
  if (decoded.issues.length > 0) {
    return { id: request.id, error: `pod: ${decoded.issues.map(formatIssue).join('; ')}` };
  }
  const result = evaluatePod(
    { level: level.value, version: version.value },
    decoded.value.metadata,
    decoded.value.spec,
  );
  return {
    id: request.id,
    allowed: result.allowed,
    reasons: result.violations.map((v) => v.reason),
    details: result.violations.map((v) => v.detail),
    forbiddenReason: result.forbiddenReason,
    forbiddenDetail: result.forbiddenDetail,
  };
}

/** Where two answers differ, or undefined when they agree. Two errors agree whatever their texts say. */
export function compareAnswers(ours: EvalResponse, upstream: EvalResponse): string | undefined {
  if (ours.error !== undefined || upstream.error !== undefined) {
    if (ours.error !== undefined && upstream.error !== undefined) return undefined;
    return ours.error !== undefined
      ? 'we reject the pod, upstream evaluates it'
      : 'upstream rejects the pod, we evaluate it';
  }
  if (ours.allowed !== upstream.allowed) return 'allowed';
  if (!sameList(ours.reasons, upstream.reasons)) return 'reasons';
  if (!sameList(ours.details, upstream.details)) return 'details';
  if (ours.forbiddenReason !== upstream.forbiddenReason) return 'forbiddenReason';
  if (ours.forbiddenDetail !== upstream.forbiddenDetail) return 'forbiddenDetail';
  return undefined;
}

/**
 * A short label grouping similar differences: the differing field, plus for reasons/details the check reason where
 * the two lists first part (e.g. `details:privileged`).
 */
export function differenceKind(ours: EvalResponse, upstream: EvalResponse, field: string): string {
  if (ours.error !== undefined || upstream.error !== undefined) return field;
  if (field !== 'reasons' && field !== 'details') return field;
  const a = field === 'reasons' ? ours.reasons : ours.details;
  const b = field === 'reasons' ? upstream.reasons : upstream.details;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const reason = upstream.reasons[i] ?? ours.reasons[i] ?? '?';
  return `${field}:${reason}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A short, stable text for the outcome (for distribution counts). */
export function outcome(answer: EvalResponse): 'allowed' | 'denied' | 'error' {
  if (answer.error !== undefined) return 'error';
  return answer.allowed ? 'allowed' : 'denied';
}

type RawRecord = Record<string, unknown>;

function isRecord(value: unknown): value is RawRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The API-server defaults that change a verdict, applied to a raw Pod (a deep copy; the input is untouched) so that
 * the SAME defaulted JSON goes to both sides: a volume with no source set gets `emptyDir: {}` (spec §8.4), and with
 * `hostNetwork: true` an unset or zero `hostPort` of a (init) container port takes its `containerPort` (§3.5).
 */
export function defaultRawPod(pod: unknown): unknown {
  const copy: unknown = structuredClone(pod);
  if (!isRecord(copy) || !isRecord(copy['spec'])) return copy;
  const spec = copy['spec'];
  const sourceKeys = VOLUME_SOURCES;
  if (Array.isArray(spec['volumes'])) {
    const volumes: unknown[] = spec['volumes'];
    for (let i = 0; i < volumes.length; i++) {
      const volume = volumes[i];
      // A null element decodes as a volume with nothing set, which the default then completes.
      if (volume === null) volumes[i] = { emptyDir: {} };
      else if (isRecord(volume) && !sourceKeys.some((key) => volume[key] !== undefined && volume[key] !== null)) {
        volume['emptyDir'] = {};
      }
    }
  }
  if (spec['hostNetwork'] === true) {
    for (const listKey of ['initContainers', 'containers']) {
      const list = spec[listKey];
      if (!Array.isArray(list)) continue;
      for (const container of list) {
        if (!isRecord(container) || !Array.isArray(container['ports'])) continue;
        for (const port of container['ports']) {
          if (
            isRecord(port) &&
            (port['hostPort'] === undefined || port['hostPort'] === null || port['hostPort'] === 0)
          ) {
            if (port['containerPort'] !== undefined && port['containerPort'] !== null)
              port['hostPort'] = port['containerPort'];
          }
        }
      }
    }
  }
  return copy;
}
