/**
 * "Did you mean ...?" for mistyped commands and flags (`psa chek`, `--levle`): the nearest candidate by edit
 * distance, counting a swap of two neighbouring letters as one edit, as typos usually are. Shared by the CLI and
 * `psa serve`'s flag parser; imports nothing.
 */

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to `word`, if it is near enough to be the likely intent: within a third of the word's length
 * (at least one edit, at most three), or the only candidate that `word` is a prefix of. Ties go to the first listed.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const distance = editDistance(word.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  const prefixed = word.length >= 2 ? candidates.filter((c) => c.startsWith(word)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** ` (did you mean "check"?)`, or nothing when no candidate is near. */
export function didYouMean(word: string, candidates: readonly string[], quote = true): string {
  const match = closest(word, candidates);
  if (match === undefined) return '';
  return quote ? ` (did you mean ${JSON.stringify(match)}?)` : ` (did you mean ${match}?)`;
}

/** A `node:util` parseArgs option table, as far as spelling goes. */
export type FlagTable = Readonly<Record<string, { readonly type: string; readonly short?: string | undefined }>>;

/** The spellings a `node:util` parseArgs option table accepts: `--name` for each, `-x` for each short alias. */
export function flagSpellings(options: FlagTable): string[] {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(options)) {
    out.push(`--${name}`);
    if (spec.short !== undefined) out.push(`-${spec.short}`);
  }
  return out;
}

/** The hint for an unknown flag: long flags are compared with long flags only (a short one is one letter away from most). */
export function suggestFlag(flag: string, options: FlagTable): string {
  if (!flag.startsWith('--')) return '';
  return didYouMean(
    flag,
    flagSpellings(options).filter((f) => f.startsWith('--')),
    false,
  );
}
