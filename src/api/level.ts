/** The three Pod Security Standards levels, least to most strict. */
export const Levels = {
  privileged: 'privileged',
  baseline: 'baseline',
  restricted: 'restricted',
} as const;

export type Level = (typeof Levels)[keyof typeof Levels];

/** Upstream's exact parse error text for a bad level. */
export const LEVEL_PARSE_ERROR = 'must be one of privileged, baseline, restricted';

const strictness: Readonly<Record<Level, number>> = { privileged: 0, baseline: 1, restricted: 2 };

export function isLevel(value: unknown): value is Level {
  return value === 'privileged' || value === 'baseline' || value === 'restricted';
}

export type LevelParse =
  { readonly ok: true; readonly value: Level } | { readonly ok: false; readonly value: Level; readonly error: string };

/**
 * Parses a level exactly (case-sensitive). On failure upstream hands back `restricted` next to the error, so callers
 * that ignore the error still fail closed; we keep that fallback in `value`.
 */
export function parseLevel(text: string): LevelParse {
  if (isLevel(text)) return { ok: true, value: text };
  return { ok: false, value: 'restricted', error: LEVEL_PARSE_ERROR };
}

/** -1 when `a` is less strict than `b`, 0 when equal, +1 when stricter. */
export function compareLevels(a: Level, b: Level): -1 | 0 | 1 {
  const d = strictness[a] - strictness[b];
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}
