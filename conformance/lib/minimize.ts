/**
 * Delta-debugging for JSON counterexamples: repeatedly drop one object key or array element while the failure
 * persists. All one-step candidates of a round are judged in one batch, so a round costs one oracle round trip.
 */

type JsonValue = unknown;

/** Every value obtained from `value` by removing exactly one key or element, at any depth. */
export function oneStepSmaller(value: JsonValue): JsonValue[] {
  const out: JsonValue[] = [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) out.push([...value.slice(0, i), ...value.slice(i + 1)]);
    for (let i = 0; i < value.length; i++) {
      for (const smaller of oneStepSmaller(value[i])) {
        const copy = [...value];
        copy[i] = smaller;
        out.push(copy);
      }
    }
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, JsonValue>;
    const keys = Object.keys(record);
    for (const key of keys) out.push(Object.fromEntries(keys.filter((k) => k !== key).map((k) => [k, record[k]])));
    for (const key of keys) {
      for (const smaller of oneStepSmaller(record[key])) out.push({ ...record, [key]: smaller });
    }
  }
  return out;
}

/**
 * Shrinks `value` while `fails` says the candidate still shows the problem. `fails` gets a whole round of candidates
 * and answers one boolean per candidate. Stops after `maxRounds` rounds.
 */
export async function minimizeJson(
  value: JsonValue,
  fails: (candidates: readonly JsonValue[]) => Promise<readonly boolean[]>,
  maxRounds = 500,
): Promise<JsonValue> {
  let current = value;
  for (let round = 0; round < maxRounds; round++) {
    const candidates = oneStepSmaller(current);
    if (candidates.length === 0) break;
    const verdicts = await fails(candidates);
    const index = verdicts.indexOf(true);
    if (index < 0) break;
    current = candidates[index];
  }
  return current;
}
