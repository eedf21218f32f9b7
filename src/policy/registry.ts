/**
 * Validation of a check list (spec §1.3). A bad registry is a programming error, so building an evaluator from one
 * throws {@link InvalidChecksError}; {@link validateChecks} lists every problem with upstream's exact wording.
 */
import type { Version } from '../api/version.ts';
import type { Check } from './types.ts';

/** Thrown when a check list fails validation. `errors` holds every problem, in registry order. */
export class InvalidChecksError extends Error {
  override readonly name = 'InvalidChecksError';
  readonly errors: readonly string[];

  constructor(errors: readonly string[]) {
    super(errors.length === 1 ? errors[0] : `invalid checks: ${errors.join('; ')}`);
    this.errors = errors;
  }
}

// Upstream's zero version (v0.0, not latest) marks a variant whose version was never set.
function isUndefinedVersion(version: Version | undefined): boolean {
  if (version == null) return true;
  const { latest, major } = version as { readonly latest: boolean; readonly major: number };
  return !latest && major === 0;
}

function isOlderNumbered(a: Version, b: Version): boolean {
  return a.major < b.major || (a.major === b.major && a.minor < b.minor);
}

/**
 * Every problem with a check list, in order, with upstream's messages: duplicate IDs, bad levels, empty or
 * mis-versioned variant lists (per check, the first version problem only), then overrides set by non-restricted
 * checks or aimed at a known non-baseline check. An override naming an unknown ID is accepted.
 */
export function validateChecks(checks: readonly Check[]): string[] {
  const errors: string[] = [];
  const levels = new Map<string, string>();
  for (const check of checks) {
    const id = check.id;
    if (levels.has(id)) {
      errors.push(`multiple checks registered for ID ${id}`);
      continue;
    }
    const level = check.level as string;
    if (level !== 'baseline' && level !== 'restricted') {
      errors.push(`check ${id}: invalid level ${level}`);
      continue;
    }
    const versions = check.versions as Check['versions'] | undefined;
    if (versions == null || versions.length === 0) {
      errors.push(`check ${id}: empty`);
      continue;
    }
    const versionError = validateVersions(
      id,
      versions.map((v) => v.minimumVersion),
    );
    if (versionError !== undefined) {
      errors.push(versionError);
      continue;
    }
    levels.set(id, level);
  }
  for (const check of checks) {
    for (const variant of check.versions ?? []) {
      const overrides = variant.overrides;
      if (overrides == null || overrides.length === 0) continue;
      if (check.level !== 'restricted') {
        errors.push(`check ${check.id}: only restricted checks may set overrides`);
        break;
      }
      for (const other of overrides) {
        const otherLevel = levels.get(other);
        if (otherLevel !== undefined && otherLevel !== 'baseline') {
          errors.push(`check ${check.id}: overrides ${otherLevel} check ${other}`);
        }
      }
    }
  }
  return errors;
}

function validateVersions(id: string, versions: readonly (Version | undefined)[]): string | undefined {
  let previous: Version | undefined;
  for (const version of versions) {
    if (version == null || isUndefinedVersion(version)) return `check ${id}: undefined version found`;
    if (version.latest) return `check ${id}: version cannot be 'latest'`;
    if (previous !== undefined) {
      if (previous.major === version.major && previous.minor === version.minor) {
        return `check ${id}: duplicate version ${version.text}`;
      }
      if (!isOlderNumbered(previous, version)) return `check ${id}: versions must be strictly increasing`;
    }
    previous = version;
  }
  return undefined;
}

/** Throws {@link InvalidChecksError} unless the list is valid. */
export function assertValidChecks(checks: readonly Check[]): void {
  const errors = validateChecks(checks);
  if (errors.length > 0) throw new InvalidChecksError(errors);
}
