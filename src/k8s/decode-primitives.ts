/**
 * Building blocks shared by the decoders in this folder: an issue sink with a cap, and readers that take one known key
 * from an untrusted object and either return a correctly typed value or record an issue and return `undefined`.
 *
 * Conventions (mirroring how the API server's JSON decoding treats Go fields):
 * - an absent key and JSON `null` both mean "unset" (`undefined`);
 * - a value of the wrong type is reported with its field path and left out;
 * - strings are made well-formed (lone surrogates become U+FFFD), as Go's JSON decoder does;
 * - only known keys are ever read, so attacker-chosen keys (`__proto__`, `constructor`) are never looked up or
 *   assigned; in maps with attacker keys, `__proto__` is defined as a plain own property.
 */
import { type Issue, type IssueCode, IssueCodes } from '../api/issue.ts';

/** A read-only view of an untrusted JSON object. */
export type RawObject = Readonly<Record<string, unknown>>;

/** Mutable twin of a readonly shape, used only while a decoder fills in a fresh object. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** At most this many issues are kept per decode; the rest are counted in one final issue. */
export const MAX_DECODE_ISSUES = 1000;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
// 2^63 is exactly representable as a double; every double below it (and at or above -2^63) fits in an int64.
const INT64_LIMIT = 9223372036854775808;
const INT64_LIMIT_BIG = 9223372036854775808n;

/** ES2024 string methods (in Node 20, absent from our ES2023 type library). */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * Replaces lone UTF-16 surrogates (which JSON `\ud800` escapes can produce) with U+FFFD, as the API server's Go decoder
 * does, so names and values reach messages exactly as upstream renders them. Well-formed strings are returned as is.
 */
export function wellFormed(s: string): string {
  const w = s as unknown as WellFormedString;
  return w.isWellFormed() ? s : w.toWellFormed();
}

/** Collects issues for one decode, keeping at most {@link MAX_DECODE_ISSUES}. */
export class IssueSink {
  readonly #issues: Issue[] = [];
  #omitted = 0;

  add(path: string, code: IssueCode, message: string): void {
    if (this.#issues.length < MAX_DECODE_ISSUES) this.#issues.push({ code, path, message });
    else this.#omitted++;
  }

  /** Records `expected <expected>, got <type of actual>` at `path`. */
  wrongType(path: string, expected: string, actual: unknown): void {
    this.add(path, IssueCodes.invalidType, `expected ${expected}, got ${typeName(actual)}`);
  }

  /** The collected issues, with a closing note when some were omitted. */
  finish(): readonly Issue[] {
    if (this.#omitted === 0) return this.#issues;
    return [
      ...this.#issues,
      { code: IssueCodes.invalidValue, path: '', message: `${this.#omitted} more issues not shown` },
    ];
  }
}

/** The JSON type name used in messages: `string`, `number`, `boolean`, `object`, `array` (`null` is never reported). */
export function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  const t = typeof value;
  return t === 'bigint' ? 'number' : t;
}

/** `base.key`, or `key` at the root. */
export function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** `base[i]`. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

const PLAIN_KEY = /^[\x21-\x5c\x5e-\x7e]*$/;

/** `base[key]` for a map entry; keys with brackets, spaces or control characters are JSON-quoted. */
export function keyPath(base: string, key: string): string {
  return `${base}[${PLAIN_KEY.test(key) ? key : JSON.stringify(key)}]`;
}

export function isRawObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested object, or `undefined` when unset or wrongly typed (reported). `path` is the value's own path. */
export function asObject(value: unknown, path: string, sink: IssueSink): RawObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (isRawObject(value)) return value;
  sink.wrongType(path, 'object', value);
  return undefined;
}

/** A nested array, or `undefined` when unset or wrongly typed (reported). `path` is the value's own path. */
export function asArray(value: unknown, path: string, sink: IssueSink): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value as readonly unknown[];
  sink.wrongType(path, 'array', value);
  return undefined;
}

/** `parent[key]` as an object. `path` is the parent's path. */
export function objectField(parent: RawObject, key: string, path: string, sink: IssueSink): RawObject | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (isRawObject(value)) return value;
  sink.wrongType(joinPath(path, key), 'object', value);
  return undefined;
}

/** `parent[key]` as an array. `path` is the parent's path. */
export function arrayField(
  parent: RawObject,
  key: string,
  path: string,
  sink: IssueSink,
): readonly unknown[] | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value as readonly unknown[];
  sink.wrongType(joinPath(path, key), 'array', value);
  return undefined;
}

/** `parent[key]` as a string. `path` is the parent's path. */
export function stringField(parent: RawObject, key: string, path: string, sink: IssueSink): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return wellFormed(value);
  sink.wrongType(joinPath(path, key), 'string', value);
  return undefined;
}

/** `parent[key]` as a boolean. `path` is the parent's path. */
export function booleanField(parent: RawObject, key: string, path: string, sink: IssueSink): boolean | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  sink.wrongType(joinPath(path, key), 'boolean', value);
  return undefined;
}

/**
 * `parent[key]` as an integer of the given width. Fractions, non-finite numbers and out-of-range values are reported
 * as invalid values; a `bigint` (YAML parsed with `intAsBigInt`) is accepted when in range.
 */
export function integerField(
  parent: RawObject,
  key: string,
  path: string,
  sink: IssueSink,
  bits: 32 | 64,
): number | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      sink.add(joinPath(path, key), IssueCodes.invalidValue, `expected integer, got ${String(value)}`);
      return undefined;
    }
    const inRange =
      bits === 32 ? value >= INT32_MIN && value <= INT32_MAX : value >= -INT64_LIMIT && value < INT64_LIMIT;
    if (inRange) return value;
    sink.add(joinPath(path, key), IssueCodes.invalidValue, `integer ${String(value)} out of int${bits} range`);
    return undefined;
  }
  if (typeof value === 'bigint') {
    const inRange =
      bits === 32
        ? value >= BigInt(INT32_MIN) && value <= BigInt(INT32_MAX)
        : value >= -INT64_LIMIT_BIG && value < INT64_LIMIT_BIG;
    if (inRange) return Number(value);
    sink.add(joinPath(path, key), IssueCodes.invalidValue, `integer ${value.toString()} out of int${bits} range`);
    return undefined;
  }
  sink.wrongType(joinPath(path, key), 'integer', value);
  return undefined;
}

/**
 * `parent[key]` as a list of strings. A `null` element becomes `""` (the zero value the API server's decoder stores);
 * a wrongly typed element is reported and left out.
 */
export function stringListField(
  parent: RawObject,
  key: string,
  path: string,
  sink: IssueSink,
): readonly string[] | undefined {
  const list = arrayField(parent, key, path, sink);
  if (list === undefined) return undefined;
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item === 'string') out.push(wellFormed(item));
    else if (item === null || item === undefined) out.push('');
    else sink.wrongType(indexPath(joinPath(path, key), i), 'string', item);
  }
  return out;
}

/**
 * `parent[key]` as a map of strings; attacker keys such as `__proto__` stay plain own keys. A `null` value becomes `""` (as the API server's decoder stores it); other non-strings are reported.
 */
export function stringMapField(
  parent: RawObject,
  key: string,
  path: string,
  sink: IssueSink,
): Readonly<Record<string, string>> | undefined {
  const map = objectField(parent, key, path, sink);
  if (map === undefined) return undefined;
  // A plain object stays in V8's fast mode (null-prototype objects are dictionaries, slow to iterate on the hot path);
  // `__proto__`, the one key a plain object would not keep as an own property, is defined explicitly.
  const out: Record<string, string> = {};
  for (const k of Object.keys(map)) {
    const value = map[k];
    let decoded: string;
    if (typeof value === 'string') decoded = wellFormed(value);
    else if (value === null || value === undefined) decoded = '';
    else {
      sink.wrongType(keyPath(joinPath(path, key), k), 'string', value);
      continue;
    }
    const name = wellFormed(k);
    if (name === '__proto__')
      Object.defineProperty(out, name, { value: decoded, enumerable: true, writable: true, configurable: true });
    else out[name] = decoded;
  }
  return out;
}
