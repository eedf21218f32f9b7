/**
 * A policy version: `latest`, or `v1.N`. The original text is kept because messages print the version exactly as
 * requested (`v1.100`), even though evaluation clamps it to the newest known policy version.
 */
export type Version =
  | { readonly latest: true; readonly major: 0; readonly minor: 0; readonly text: 'latest' }
  | { readonly latest: false; readonly major: 1; readonly minor: number; readonly text: string };

/** Upstream's exact parse error text for a bad version (the inner quotes are literal). */
export const VERSION_PARSE_ERROR = 'must be "latest" or "v1.x"';

export const LATEST: Version = Object.freeze({ latest: true, major: 0, minor: 0, text: 'latest' });

const INT64_MAX = 9223372036854775807n;
const VERSION_PATTERN = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** `v1.N`, for code that names versions as numbers. */
export function majorMinor(minor: number): Version {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`invalid minor version ${String(minor)}`);
  return Object.freeze({ latest: false, major: 1, minor, text: `v1.${String(minor)}` });
}

export type VersionParse =
  | { readonly ok: true; readonly value: Version }
  | { readonly ok: false; readonly value: Version; readonly error: string };

/** Parses `latest` or `v1.N` (no leading zeros, N within int64). On failure the fallback value is `latest`. */
export function parseVersion(text: string): VersionParse {
  if (text === 'latest') return { ok: true, value: LATEST };
  const match = VERSION_PATTERN.exec(text);
  const digits = match?.[1];
  if (digits === undefined || BigInt(digits) > INT64_MAX)
    return { ok: false, value: LATEST, error: VERSION_PARSE_ERROR };
  // Minors beyond 2^53 lose precision as numbers, but every such version is far above the newest policy version,
  // which is all comparisons need; the exact text is kept for printing.
  return { ok: true, value: Object.freeze({ latest: false, major: 1, minor: Number(digits), text }) };
}

/** True when `a` is strictly older than `b` (latest is never older). */
export function isOlder(a: Version, b: Version): boolean {
  if (a.latest) return false;
  if (b.latest) return true;
  return a.major < b.major || (a.major === b.major && a.minor < b.minor);
}

export function versionEquals(a: Version, b: Version): boolean {
  return a.latest === b.latest && a.major === b.major && a.minor === b.minor;
}

export function formatVersion(v: Version): string {
  return v.text;
}
