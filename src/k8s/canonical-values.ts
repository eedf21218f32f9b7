/**
 * Canonical copies of the enumerated values Pod Security compares: seccomp and AppArmor profile types, procMount
 * types and Linux capability names. The decoder swaps a decoded string for its canonical copy (same text), so the
 * engine's comparisons against these words are pointer comparisons.
 *
 * Why: V8 compares two strings by pointer only when both are interned. Source literals are; strings from
 * `JSON.parse` are only up to 10 characters (`RuntimeDefault` and `NET_BIND_SERVICE` are not), and strings from
 * `structuredClone` or the YAML parser never are, so every `type !== 'RuntimeDefault'` on such a value compares the
 * characters: measured at about 8 ns a comparison, a third of the engine's per-container cost. Looking a value up
 * here once at decode time costs less than one such comparison.
 */

const WORDS = [
  // seccompProfile.type and appArmorProfile.type
  'RuntimeDefault',
  'Localhost',
  'Unconfined',
  // procMount
  'Default',
  'Unmasked',
  // capabilities: drop ALL, and every capability of the default runtime set (baseline allows adding these)
  'ALL',
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
] as const;

const CANONICAL: ReadonlyMap<string, string> = new Map(WORDS.map((word) => [word, word]));

/** `value`'s canonical (interned) copy when it is one of the known words, else `value` itself. */
export function canonicalValue(value: string): string {
  return CANONICAL.get(value) ?? value;
}
