/**
 * The string and traversal primitives every check shares (spec §0): list quoting, pluralization, Go's `%q`, code-point
 * sorting, setter phrases and the container visit order. Each exists once so the checks cannot drift apart.
 */
import type { Container, PodSpec } from '../k8s/pod.ts';

/**
 * Renders `["a", "b"]` as `"a", "b"` (spec §0.1). No escaping: an item containing `"` or `\` is emitted raw, exactly as
 * upstream does. An empty list gives the empty string.
 */
export function joinQuote(items: readonly string[]): string {
  if (items.length === 0) return '';
  if (items.length === 1) return `"${items[0]!}"`;
  return `"${items.join('", "')}"`;
}

/** `singular` when `n` is exactly 1, `plural` otherwise, including 0 (spec §0.2). */
export function pluralize(n: number, singular: string, plural: string): string {
  return n === 1 ? singular : plural;
}

// Go's printable set: Unicode categories L, M, N, P, S, plus the ASCII space (handled separately).
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
// Strings made only of printable ASCII other than `"` and `\` need no escaping at all.
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function hex(cp: number, width: number): string {
  return cp.toString(16).padStart(width, '0');
}

function escapeCodePoint(cp: number, ch: string): string {
  switch (cp) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
    default:
  }
  if (cp === 0x20 || PRINTABLE.test(ch)) return ch;
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/**
 * Go's `strconv.Quote` (spec §0.3): double-quoted, with `"` and `\` escaped, printable code points kept literally and
 * everything else escaped as `\a`..`\v`, `\xNN`, `\uNNNN` or `\UNNNNNNNN`. Lone surrogates become U+FFFD first, as
 * Go's JSON decoder would have done.
 */
export function goQuote(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0xfffd;
    if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else out += escapeCodePoint(cp, ch);
  }
  return `${out}"`;
}

// Maps a UTF-16 code unit so that unit order equals code-point order: surrogates (which encode code points of U+10000
// and above) move above U+E000..U+FFFF.
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/**
 * Compares two strings by Unicode code point, which is Go's byte-wise UTF-8 order (spec §0.4). JavaScript's default
 * comparison uses UTF-16 code units and disagrees when a code point of U+10000 or above meets one in U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A new array of the values in code-point order (Go's `sort.Strings`). */
export function sortStrings(values: Iterable<string>): string[] {
  return Array.from(values).sort(compareCodePoints);
}

/** `container "a"` or `containers "a", "b"`: the container part of a setter list (spec §0.6). */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize(names.length, 'container', 'containers')} ${joinQuote(names)}`;
}

/**
 * The setter list (spec §0.6): `pod` when the pod-level field is bad, then the containers, joined with `" and "`.
 * Returns the empty string when neither applies.
 */
export function setterPhrase(pod: boolean, containerNames: readonly string[]): string {
  if (containerNames.length === 0) return pod ? 'pod' : '';
  return pod ? `pod and ${containersPhrase(containerNames)}` : containersPhrase(containerNames);
}

/**
 * A test on one container, defined once at module level so the hot path allocates nothing. The built-in checks run
 * their fast path through loops of their own instead of {@link someContainer}: one shared loop would see every
 * check's predicate and V8 could no longer inline them (measured: about 45% slower on a 10-container pod).
 */
export type ContainerPredicate = (container: Container) => boolean;

/** True when any container matches, visiting init, regular, then ephemeral containers (spec §0.5). */
export function someContainer(spec: PodSpec, predicate: ContainerPredicate): boolean {
  return (
    someIn(spec.initContainers, predicate) ||
    someIn(spec.containers, predicate) ||
    someIn(spec.ephemeralContainers, predicate)
  );
}

function someIn(list: readonly Container[] | undefined, predicate: ContainerPredicate): boolean {
  if (list == null) return false;
  for (let i = 0; i < list.length; i++) {
    if (predicate(list[i]!)) return true;
  }
  return false;
}

/** Calls `visit` for every container in visit order: init, regular, ephemeral (spec §0.5). */
export function forEachContainer(spec: PodSpec, visit: (container: Container) => void): void {
  eachIn(spec.initContainers, visit);
  eachIn(spec.containers, visit);
  eachIn(spec.ephemeralContainers, visit);
}

function eachIn(list: readonly Container[] | undefined, visit: (container: Container) => void): void {
  if (list == null) return;
  for (let i = 0; i < list.length; i++) visit(list[i]!);
}

/** The container's name, `""` when unset. */
export function containerName(container: Container): string {
  return container.name ?? '';
}

/** Names of the matching containers in visit order, duplicates kept (spec §0.5). */
export function containerNamesWhere(spec: PodSpec, predicate: ContainerPredicate): string[] {
  const names: string[] = [];
  forEachContainer(spec, (c) => {
    if (predicate(c)) names.push(containerName(c));
  });
  return names;
}
