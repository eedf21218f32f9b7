/**
 * Namespace labels -> the policy to evaluate (spec §5.2), and the field-error rendering PSA shares with apimachinery
 * (Appendix B).
 */
import {
  compareLevels,
  isEquivalentLevelVersion,
  LabelKeys,
  levelVersionEquals,
  parseLevel,
  parseVersion,
  versionEquals,
} from '../api/index.ts';
import type { Level, LevelVersion, Version } from '../api/index.ts';
import { goQuote } from './go-text.ts';
import { FieldErrorTypes } from './types.ts';
import type { FieldError, NamespacePolicy, Policy } from './types.ts';

type Labels = Readonly<Record<string, string>> | undefined;

function labelPath(key: string): string {
  return `metadata.labels[${key}]`;
}

function invalidLabel(key: string, value: string, detail: string): FieldError {
  return { type: FieldErrorTypes.invalid, field: labelPath(key), badValue: value, detail };
}

function label(labels: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/**
 * Computes the effective policy from a namespace's labels on top of the configured defaults (upstream's
 * `PolicyToEvaluate`). Bad enforce levels fail closed (`restricted`), bad audit/warn levels fail open
 * (`privileged`), bad versions become `latest`; every bad label yields a field error. Warn inherits enforce only when
 * the enforce label is present and valid, no warn label exists, and enforce is stricter than the default warn level.
 */
export function policyToEvaluate(labels: Labels, defaults: Policy): NamespacePolicy {
  if (labels === undefined) return { policy: defaults, errors: [] };
  let any = false;
  for (const key in labels) {
    if (Object.hasOwn(labels, key)) {
      any = true;
      break;
    }
  }
  if (!any) return { policy: defaults, errors: [] };

  const errors: FieldError[] = [];
  let enforceLevel: Level = defaults.enforce.level;
  let enforceVersion: Version = defaults.enforce.version;
  let auditLevel: Level = defaults.audit.level;
  let auditVersion: Version = defaults.audit.version;
  let warnLevel: Level = defaults.warn.level;
  let warnVersion: Version = defaults.warn.version;
  let hasEnforceLevel = false;

  const enforce = label(labels, LabelKeys.enforce);
  if (enforce !== undefined) {
    const parsed = parseLevel(enforce);
    enforceLevel = parsed.value; // restricted on error: fail closed
    hasEnforceLevel = parsed.ok;
    if (!parsed.ok) errors.push(invalidLabel(LabelKeys.enforce, enforce, parsed.error));
  }
  const enforceV = label(labels, LabelKeys.enforceVersion);
  if (enforceV !== undefined) {
    const parsed = parseVersion(enforceV);
    enforceVersion = parsed.value;
    if (!parsed.ok) errors.push(invalidLabel(LabelKeys.enforceVersion, enforceV, parsed.error));
  }
  const audit = label(labels, LabelKeys.audit);
  if (audit !== undefined) {
    const parsed = parseLevel(audit);
    auditLevel = parsed.ok ? parsed.value : 'privileged'; // fail open
    if (!parsed.ok) errors.push(invalidLabel(LabelKeys.audit, audit, parsed.error));
  }
  const auditV = label(labels, LabelKeys.auditVersion);
  if (auditV !== undefined) {
    const parsed = parseVersion(auditV);
    auditVersion = parsed.value;
    if (!parsed.ok) errors.push(invalidLabel(LabelKeys.auditVersion, auditV, parsed.error));
  }
  const warn = label(labels, LabelKeys.warn);
  if (warn !== undefined) {
    const parsed = parseLevel(warn);
    warnLevel = parsed.ok ? parsed.value : 'privileged'; // fail open
    if (!parsed.ok) errors.push(invalidLabel(LabelKeys.warn, warn, parsed.error));
  }
  const warnV = label(labels, LabelKeys.warnVersion);
  if (warnV !== undefined) {
    const parsed = parseVersion(warnV);
    warnVersion = parsed.value;
    if (!parsed.ok) errors.push(invalidLabel(LabelKeys.warnVersion, warnV, parsed.error));
  }

  if (warn === undefined && hasEnforceLevel && compareLevels(enforceLevel, warnLevel) > 0) {
    warnLevel = enforceLevel;
    if (warnV === undefined) warnVersion = enforceVersion;
  }

  return {
    policy: {
      enforce: reuse(defaults.enforce, enforceLevel, enforceVersion),
      audit: reuse(defaults.audit, auditLevel, auditVersion),
      warn: reuse(defaults.warn, warnLevel, warnVersion),
    },
    errors,
  };
}

function reuse(previous: LevelVersion, level: Level, version: Version): LevelVersion {
  return previous.level === level && previous.version === version ? previous : { level, version };
}

/**
 * True when a namespace relabel does not tighten enforcement, so existing pods need no re-check (spec §5.8 step 5.4):
 * the same enforce LevelVersion, a privileged enforce level, or the same version at an equal or looser level.
 */
export function isEnforceUnchangedOrLooser(next: LevelVersion, previous: LevelVersion): boolean {
  if (levelVersionEquals(next, previous)) return true;
  if (next.level === 'privileged') return true;
  return versionEquals(next.version, previous.version) && compareLevels(next.level, previous.level) < 1;
}

/** True when every mode is privileged (any version). */
export function isFullyPrivileged(policy: Policy): boolean {
  return (
    policy.enforce.level === 'privileged' && policy.audit.level === 'privileged' && policy.warn.level === 'privileged'
  );
}

/** Upstream's Policy equivalence: each mode equivalent (both privileged, or same level and version). */
export function isEquivalentPolicy(a: Policy, b: Policy): boolean {
  return (
    isEquivalentLevelVersion(a.enforce, b.enforce) &&
    isEquivalentLevelVersion(a.audit, b.audit) &&
    isEquivalentLevelVersion(a.warn, b.warn)
  );
}

/** `Invalid value: "x": detail` / `Duplicate value: "x"`: a field error without its path (Appendix B). */
export function formatFieldErrorBody(error: FieldError): string {
  if (error.type === FieldErrorTypes.duplicate) return `Duplicate value: ${goQuote(error.badValue)}`;
  const body = `Invalid value: ${goQuote(error.badValue)}`;
  return error.detail === '' ? body : `${body}: ${error.detail}`;
}

/** `<path>: <body>` (Appendix B). */
export function formatFieldError(error: FieldError): string {
  return `${error.field}: ${formatFieldErrorBody(error)}`;
}

/**
 * apimachinery's aggregate rendering: duplicate messages removed, a single message alone, several as `[m1, m2]`.
 * Returns the empty string for an empty list.
 */
export function formatAggregate(messages: readonly string[]): string {
  const unique: string[] = [];
  const seen = new Set<string>();
  for (const message of messages) {
    if (seen.has(message)) continue;
    seen.add(message);
    unique.push(message);
  }
  if (unique.length === 0) return '';
  if (unique.length === 1) return unique[0] ?? '';
  return `[${unique.join(', ')}]`;
}

/** The field errors' aggregate text, e.g. for `Failed to parse policy: <aggregate>`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return formatAggregate(errors.map(formatFieldError));
}

/** Deep equality of two field-error lists (type, field, bad value, detail, in order). */
export function fieldErrorsEqual(a: readonly FieldError[], b: readonly FieldError[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.type !== y.type || x.field !== y.field || x.badValue !== y.badValue || x.detail !== y.detail) return false;
  }
  return true;
}
