/**
 * Reproduces the errors upstream's decoder (encoding/json, case-sensitive, into the `k8s.io/api` v1 types) reports
 * for a request object, on every field, from the generated type schema in `go-schema.ts`:
 *
 * - a JSON value of the wrong type is `json: cannot unmarshal <value> into Go struct field <Struct>.<path> of type
 *   <Go type>`; decoding goes on and the first such error is reported;
 * - the custom decoders (times, quantities, int-or-string) fail at once with their own texts;
 * - `null` is always accepted, unknown fields are ignored.
 *
 * Known limits: JSON numbers arrive already parsed, so an integer written as `1.0` or `1e3` (which Go rejects for an
 * integer field) is accepted; members are visited in JavaScript's key order, which differs from the document's only
 * for integer-like keys.
 */
import { GO_SCHEMA_ROOTS, GO_SCHEMA_TYPES } from './go-schema.ts';

interface GoField {
  readonly name: string;
  readonly type: number;
  /** Embedded Go field names the field is promoted through (they appear in Go's error path). */
  readonly via: readonly string[];
}

/** Type kinds as small integers, so the walk switches on a number (`GoType.kind` keeps the name). */
const STRUCT = 1;
const SLICE = 2;
const MAP = 3;
const STRING = 4;
const BOOL = 5;
const FLOAT = 6;
const TIME = 7;
const QUANTITY = 8;
const INT_OR_STRING = 9;
const OPAQUE = 10; // raw, any: anything goes
const INTEGER = 11;
const OTHER = 0;

interface GoType {
  /** `struct`, `slice`, `map`, `string`, `bool`, `int32`, ..., or a custom decoder: `time`, `quantity`, `intorstring`. */
  readonly kind: string;
  /** {@link STRUCT}, {@link SLICE}, ...: `kind` as a number. */
  readonly code: number;
  /** Go's name for the type, as errors print it (`v1.Container`, `[]v1.Volume`, `map[string]string`). */
  readonly name: string;
  readonly struct?: string;
  readonly fields?: ReadonlyMap<string, GoField>;
  readonly elem?: number;
}

function kindCode(kind: string): number {
  switch (kind) {
    case 'struct':
      return STRUCT;
    case 'slice':
      return SLICE;
    case 'map':
      return MAP;
    case 'string':
      return STRING;
    case 'bool':
      return BOOL;
    case 'float':
      return FLOAT;
    case 'time':
      return TIME;
    case 'quantity':
      return QUANTITY;
    case 'intorstring':
      return INT_OR_STRING;
    case 'raw':
    case 'any':
      return OPAQUE;
    default:
      return kind.startsWith('int') || kind.startsWith('uint') ? INTEGER : OTHER;
  }
}

const TYPES: readonly GoType[] = GO_SCHEMA_TYPES.map((raw): GoType => {
  const kind = raw[0] as string;
  const name = raw[1] as string;
  const code = kindCode(kind);
  if (kind === 'struct') {
    const fields = new Map<string, GoField>();
    for (const f of raw[3] as readonly (readonly (string | number)[])[]) {
      fields.set(f[0] as string, { name: f[0] as string, type: f[1] as number, via: f.slice(2) as string[] });
    }
    return { kind, code, name, struct: raw[2] as string, fields };
  }
  if (kind === 'slice' || kind === 'map') return { kind, code, name, elem: raw[2] as number };
  return { kind, code, name };
});

/** Schema roots by `group/version.Kind` (core kinds under `core/v1`). */
export function goRootType(group: string, version: string, kind: string): number | undefined {
  return GO_SCHEMA_ROOTS[`${group === '' ? 'core' : group}/${version}.${kind}`];
}

/** A decode error that stops decoding at once (custom decoders' errors), carried up the walk. */
class Fatal extends Error {
  override readonly name = 'Fatal';
}

interface Context {
  /** The innermost struct being decoded. */
  struct: string;
  /** Field path segments (JSON names and embedded Go names; no indices or keys). */
  readonly path: string[];
  first: string | undefined;
}

function jsonValueName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
    case 'bigint':
      return 'number';
    default:
      return 'object';
  }
}

function typeError(ctx: Context, value: string, type: string): string {
  if (ctx.struct === '' && ctx.path.length === 0)
    return `json: cannot unmarshal ${value} into Go value of type ${type}`;
  return `json: cannot unmarshal ${value} into Go struct field ${ctx.struct}.${ctx.path.join('.')} of type ${type}`;
}

function save(ctx: Context, value: string, type: string): void {
  ctx.first ??= typeError(ctx, value, type);
}

/** [min, max exclusive] per integer kind. */
const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-(2 ** 7), 2 ** 7],
  int16: [-(2 ** 15), 2 ** 15],
  int32: [-(2 ** 31), 2 ** 31],
  int64: [-(2 ** 63), 2 ** 63],
  int: [-(2 ** 63), 2 ** 63],
  uint8: [0, 2 ** 8],
  uint16: [0, 2 ** 16],
  uint32: [0, 2 ** 32],
  uint64: [0, 2 ** 64],
  uint: [0, 2 ** 64],
};

/** `number <literal>` when a number does not fit an integer type (Go quotes the literal; ours is re-rendered). */
function checkInteger(ctx: Context, value: unknown, kind: string, type: string, fatal: boolean): void {
  const name = jsonValueName(value);
  if (name !== 'number') {
    if (fatal) throw new Fatal(typeError(ctx, name, type));
    save(ctx, name, type);
    return;
  }
  const n = Number(value);
  const range = INT_RANGES[kind] ?? INT_RANGES['int64']!;
  if (Number.isInteger(n) && n >= range[0] && n < range[1]) return;
  const message = `number ${String(value)}`;
  if (fatal) throw new Fatal(typeError(ctx, message, type));
  save(ctx, message, type);
}

function visit(value: unknown, typeIndex: number, ctx: Context): void {
  if (value === null || value === undefined) return;
  const type = TYPES[typeIndex];
  if (type === undefined) return;
  if (typeof value === 'object' && value instanceof NumberLiteral) {
    visitLiteral(value, type, ctx);
    return;
  }
  switch (type.code) {
    case STRUCT: {
      if (typeof value !== 'object' || Array.isArray(value)) {
        save(ctx, jsonValueName(value), type.name);
        return;
      }
      const fields = type.fields!;
      const struct = type.struct!;
      const outer = ctx.struct;
      const path = ctx.path;
      const keys = Object.keys(value);
      for (let k = 0; k < keys.length; k++) {
        const key = keys[k]!;
        const field = fields.get(key);
        if (field === undefined) continue;
        const member = (value as Record<string, unknown>)[key];
        if (member === null || member === undefined) continue;
        ctx.struct = struct;
        const depth = path.length;
        const via = field.via;
        for (let v = 0; v < via.length; v++) path.push(via[v]!);
        path.push(key);
        visit(member, field.type, ctx);
        path.length = depth;
      }
      ctx.struct = outer;
      return;
    }
    case SLICE: {
      if (!Array.isArray(value)) {
        save(ctx, jsonValueName(value), type.name);
        return;
      }
      const elem = type.elem!;
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) visit(items[i], elem, ctx);
      return;
    }
    case MAP: {
      if (typeof value !== 'object' || Array.isArray(value)) {
        save(ctx, jsonValueName(value), type.name);
        return;
      }
      const elem = type.elem!;
      const keys = Object.keys(value);
      for (let k = 0; k < keys.length; k++) visit((value as Record<string, unknown>)[keys[k]!], elem, ctx);
      return;
    }
    case STRING:
      if (typeof value !== 'string') save(ctx, jsonValueName(value), type.name);
      return;
    case BOOL:
      if (typeof value !== 'boolean') save(ctx, jsonValueName(value), type.name);
      return;
    case FLOAT:
      if (typeof value !== 'number') save(ctx, jsonValueName(value), type.name);
      return;
    case TIME:
      checkTime(value, ctx);
      return;
    case QUANTITY:
      checkQuantity(value);
      return;
    case INT_OR_STRING:
      if (typeof value !== 'string') checkInteger(ctx, value, 'int32', 'int32', true);
      return;
    case INTEGER:
      checkInteger(ctx, value, type.kind, type.name, false);
      return;
    default:
      return;
  }
}

/**
 * A JSON number whose literal matters to Go: a fraction or exponent (`1.0`, `1e3`), or too many digits for a double.
 * Go parses integers from the literal text, so such a literal fails an integer field even when its value is whole.
 */
export class NumberLiteral {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

function visitLiteral(literal: NumberLiteral, type: GoType, ctx: Context): void {
  const kind = type.kind;
  if (kind === 'float' || kind === 'any' || kind === 'raw') return;
  if (kind === 'quantity') {
    checkQuantity(literal.text);
    return;
  }
  if (kind === 'time') throw new Fatal(typeError(ctx, 'number', 'string'));
  const integer = kind.startsWith('int') || kind.startsWith('uint') || kind === 'intorstring';
  if (!integer) {
    save(ctx, 'number', type.name);
    return;
  }
  const bits = kind === 'intorstring' ? 'int32' : kind;
  const range = INT_RANGES[bits] ?? INT_RANGES['int64']!;
  const fits =
    /^-?\d+$/.test(literal.text) && BigInt(literal.text) >= BigInt(range[0]) && BigInt(literal.text) < BigInt(range[1]);
  if (fits) return;
  const message = typeError(ctx, `number ${literal.text}`, kind === 'intorstring' ? 'int32' : type.name);
  if (kind === 'intorstring') throw new Fatal(message);
  ctx.first ??= message;
}

/**
 * Whether valid JSON text holds a number with a fraction, an exponent or 16+ digits. A single scan: strings are
 * skipped whole (their contents never count), and outside strings every digit or `-` starts a number.
 */
function hasSignificantLiteral(text: string): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = afterString(text, i);
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = c === 0x2d ? i + 1 : i;
      const digitsStart = j;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d < 0x30 || d > 0x39) break;
        j++;
      }
      if (j - digitsStart > 15) return true;
      const next = j < n ? text.charCodeAt(j) : 0;
      if (next === 0x2e || next === 0x65 || next === 0x45) return true;
      i = j;
      continue;
    }
    i++;
  }
  return false;
}

/** `i` at an opening quote of valid JSON text; the index after the closing quote. */
function afterString(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return text.length;
    let k = q - 1;
    while (k > i && text.charCodeAt(k) === 0x5c) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/**
 * Parses JSON text keeping the literal of every number that is not a plain short integer as a {@link NumberLiteral}.
 * Only used when such a literal exists; the text is valid JSON (it came out of JSON.parse).
 */
function parseKeepingLiterals(text: string): unknown {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out = Object.create(null) as Record<string, unknown>;
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const key = string();
        ws();
        i++; // ':'
        out[key] = value();
        ws();
        if (text[i++] === '}') return out;
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i++] === ']') return out;
      }
    }
    if (c === '"') return string();
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(i, i + 400));
    const token = m?.[0] ?? '';
    i += token.length;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token === 'null') return null;
    return /[.eE]/.test(token) || token.replace('-', '').length > 15 ? new NumberLiteral(token) : Number(token);
  };
  const string = (): string => {
    const start = i;
    i++;
    for (;;) {
      const q = text.indexOf('"', i);
      let backslashes = 0;
      for (let k = q - 1; k > start && text[k] === '\\'; k--) backslashes++;
      i = q + 1;
      if (backslashes % 2 === 0) return JSON.parse(text.slice(start, i)) as string;
    }
  };
  return value();
}

/**
 * Like {@link goDecodeError}, from the object's JSON text (and its parsed value), so that number literals are judged
 * as Go judges them.
 */
export function goDecodeErrorFromText(text: string, value: unknown, root: number): string | undefined {
  return goDecodeError(hasSignificantLiteral(text) ? parseKeepingLiterals(text) : value, root);
}

/**
 * The first decode error upstream would report for `value` decoded into the schema type `root`, or undefined when it
 * decodes.
 */
export function goDecodeError(value: unknown, root: number): string | undefined {
  const ctx: Context = { struct: '', path: [], first: undefined };
  try {
    visit(value, root, ctx);
  } catch (error) {
    if (error instanceof Fatal) return error.message;
    throw error;
  }
  return ctx.first;
}

// --- metav1.Time: RFC 3339 through Go's time.Parse, with its error texts ---

const RFC3339 = '2006-01-02T15:04:05Z07:00';

function timeError(value: string, element: string, rest: string): Fatal {
  return new Fatal(
    `parsing time ${goQuoteTime(value)} as "${RFC3339}": cannot parse ${goQuoteTime(rest)} as "${element}"`,
  );
}

/**
 * The `time` package's own quoting in its parse errors (not `strconv.Quote`): `"` and `\\` escaped, every byte of a
 * control or non-ASCII character's UTF-8 written as `\\xNN`.
 */
function goQuoteTime(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x80 || cp < 0x20) {
      // A lone surrogate was U+FFFD in Go's decoded string.
      for (const byte of UTF8.encode(cp >= 0xd800 && cp <= 0xdfff ? '\ufffd' : ch))
        out += `\\x${byte.toString(16).padStart(2, '0')}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

const UTF8 = new TextEncoder();

function digits(s: string, n: number): boolean {
  if (s.length < n) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function checkTime(value: unknown, ctx: Context): void {
  if (typeof value !== 'string') throw new Fatal(typeError(ctx, jsonValueName(value), 'string'));
  const v = value;
  let rest = v;
  const literal = (lit: string, element: string): void => {
    if (!rest.startsWith(lit)) throw timeError(v, element, rest);
    rest = rest.slice(lit.length);
  };
  const number = (n: number, element: string, min: number, max: number, what: string): void => {
    if (!digits(rest, n)) throw timeError(v, element, rest);
    const x = Number(rest.slice(0, n));
    rest = rest.slice(n);
    if (x < min || x > max) throw new Fatal(`parsing time ${goQuoteTime(v)}: ${what} out of range`);
  };
  if (!digits(rest, 4)) throw timeError(v, '2006', rest);
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);
  literal('-', '-');
  number(2, '01', 1, 12, 'month');
  const month = Number(v.slice(5, 7));
  literal('-', '-');
  // Any two-digit day parses; the calendar check comes after everything else.
  number(2, '02', 0, 99, 'day');
  const day = Number(v.slice(8, 10));
  literal('T', 'T');
  // The hour takes one or two digits.
  number(digits(rest, 2) ? 2 : 1, '15', 0, 23, 'hour');
  literal(':', ':');
  number(2, '04', 0, 59, 'minute');
  literal(':', ':');
  number(2, '05', 0, 59, 'second');
  if (rest.startsWith('.') && digits(rest.slice(1), 1)) {
    let i = 1;
    while (i < rest.length && rest.charCodeAt(i) >= 0x30 && rest.charCodeAt(i) <= 0x39) i++;
    rest = rest.slice(i);
  }
  if (rest.startsWith('Z')) rest = rest.slice(1);
  else {
    if (!/^[+-]\d\d:\d\d/.test(rest)) throw timeError(v, 'Z07:00', rest);
    rest = rest.slice(6);
  }
  if (rest !== '') throw new Fatal(`parsing time ${goQuoteTime(v)}: extra text: ${goQuoteTime(rest)}`);
  const daysIn = [
    31,
    (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  if (day < 1 || day > (daysIn[month - 1] ?? 31)) throw new Fatal(`parsing time ${goQuoteTime(v)}: day out of range`);
}

// --- resource.Quantity ---

const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX = "unable to parse quantity's suffix";
const SUFFIXES = new Set(['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** resource.Quantity's UnmarshalJSON: strips quotes, trims, parses; errors are returned as is. */
function checkQuantity(value: unknown): void {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number') text = String(value);
  else text = JSON.stringify(value);
  const str = text.trim();
  if (str === '') throw new Fatal(QUANTITY_FORMAT);
  if (str === '0') return;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-' || str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end && str[pos] === '.') {
    pos++;
    while (pos < end && isDigit(str[pos])) pos++;
    if (pos >= end) return;
  } else if (pos >= end) return;
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new Fatal(QUANTITY_FORMAT);
  const suffix = str.slice(suffixStart);
  const exponent = /^[eE]([-+]?\d+)$/.exec(suffix);
  if (!SUFFIXES.has(suffix) && (exponent === null || !Number.isSafeInteger(Number(exponent[1])))) {
    throw new Fatal(QUANTITY_SUFFIX);
  }
}
