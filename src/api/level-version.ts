import { type Level, parseLevel } from './level.ts';
import { type Version, parseVersion, versionEquals } from './version.ts';

/** A level at a policy version, e.g. `restricted:latest`. */
export interface LevelVersion {
  readonly level: Level;
  readonly version: Version;
}

export function levelVersion(level: Level, version: Version): LevelVersion {
  return { level, version };
}

/** Renders `<level>:<version>` with the version exactly as given. */
export function formatLevelVersion(lv: LevelVersion): string {
  return `${lv.level}:${lv.version.text}`;
}

export function levelVersionEquals(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && versionEquals(a.version, b.version);
}

/** Upstream's equivalence: both privileged (any version), or the same level and version. */
export function isEquivalentLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  if (a.level === 'privileged' && b.level === 'privileged') return true;
  return levelVersionEquals(a, b);
}

export type LevelVersionParse =
  { readonly ok: true; readonly value: LevelVersion } | { readonly ok: false; readonly error: string };

/** Parses `level[:version]` (version defaults to `latest`), as the CLI accepts it. */
export function parseLevelVersion(text: string): LevelVersionParse {
  const colon = text.indexOf(':');
  const levelText = colon < 0 ? text : text.slice(0, colon);
  const versionText = colon < 0 ? 'latest' : text.slice(colon + 1);
  const level = parseLevel(levelText);
  if (!level.ok) return { ok: false, error: `invalid level ${JSON.stringify(levelText)}: ${level.error}` };
  const version = parseVersion(versionText);
  if (!version.ok) return { ok: false, error: `invalid version ${JSON.stringify(versionText)}: ${version.error}` };
  return { ok: true, value: { level: level.value, version: version.value } };
}
