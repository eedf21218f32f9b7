/**
 * The check catalogue for docs and the CLI, derived from the check values themselves (versions, overrides, and the
 * description each check file carries) so it cannot drift from what the evaluator runs.
 */
import { defaultChecks } from './checks/index.ts';
import type { Check, CheckInfo } from './types.ts';

/** Describes `check`: the versions where its behaviour changes and the first version each override applies from. */
export function describeCheck(check: Check): CheckInfo {
  const overrides: { checkId: string; fromVersion: string }[] = [];
  for (const variant of check.versions) {
    for (const checkId of variant.overrides ?? []) {
      if (!overrides.some((o) => o.checkId === checkId))
        overrides.push({ checkId, fromVersion: variant.minimumVersion.text });
    }
  }
  return Object.freeze({
    id: check.id,
    level: check.level,
    versions: Object.freeze(check.versions.map((v) => v.minimumVersion.text)),
    overrides: Object.freeze(overrides.map((o) => Object.freeze(o))),
    summary: check.description?.summary ?? '',
    fields: Object.freeze([...(check.description?.fields ?? [])]),
  });
}

/** Every built-in check, in registry order (baseline checks, then restricted). */
export const checkCatalogue: readonly CheckInfo[] = Object.freeze(defaultChecks.map(describeCheck));
