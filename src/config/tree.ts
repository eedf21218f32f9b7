/**
 * A small positioned value tree over YAML/JSON documents. Every node remembers the file, line and column it came
 * from, so errors found after decoding, merging Talos patches or extracting an embedded configuration still point
 * at the text the operator wrote.
 *
 * Plain YAML scalars are resolved the way Kubernetes' YAML-to-JSON conversion (go-yaml v2, YAML 1.1) resolves
 * them: `yes`/`on`/`y` are booleans, `~` is null, `0x1f` and `1_000` are numbers. Only the JSON type matters to the
 * decoders, and the source text is kept.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  Scalar,
  type Node as YamlNode,
} from 'yaml';

/** A place in an input file; `line` and `col` are 1-based. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export const ScalarTypes = { string: 'string', number: 'number', bool: 'bool', null: 'null' } as const;
export type ScalarType = (typeof ScalarTypes)[keyof typeof ScalarTypes];

export interface ScalarNode {
  readonly kind: 'scalar';
  readonly type: ScalarType;
  /** The string value for strings; the source text for numbers, booleans and nulls. */
  readonly value: string;
  readonly pos: Position;
}

export interface MapEntry {
  readonly key: string;
  readonly keyType: ScalarType;
  readonly keyPos: Position;
  readonly value: TreeNode;
}

export interface MapNode {
  readonly kind: 'map';
  readonly entries: readonly MapEntry[];
  readonly pos: Position;
}

export interface SeqNode {
  readonly kind: 'seq';
  readonly items: readonly TreeNode[];
  readonly pos: Position;
}

export type TreeNode = ScalarNode | MapNode | SeqNode;

/** The JSON type name Go's decoder uses in `cannot unmarshal <type>` messages. */
export function jsonTypeName(node: TreeNode): 'string' | 'number' | 'bool' | 'array' | 'object' | 'null' {
  if (node.kind === 'map') return 'object';
  if (node.kind === 'seq') return 'array';
  return node.type;
}

export function formatPosition(pos: Position): string {
  return `${pos.file}:${String(pos.line)}:${String(pos.col)}`;
}

/** A syntax problem in an input file. */
export interface SyntaxProblem {
  readonly message: string;
  readonly pos: Position;
}

export interface ParsedDocument {
  /** The document's root; a null scalar for an empty document. */
  readonly root: TreeNode;
  /** Duplicate keys found in any mapping, in document order (the value kept is the last one). */
  readonly duplicates: readonly DuplicateKey[];
}

export interface DuplicateKey {
  readonly key: string;
  readonly keyType: ScalarType;
  readonly pos: Position;
  /** Dotted path of the mapping holding the key (empty at the root). */
  readonly path: string;
}

export interface ParseResult {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly SyntaxProblem[];
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS = new Set([
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'on',
  'On',
  'ON',
  'true',
  'True',
  'TRUE',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
  'false',
  'False',
  'FALSE',
]);
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT = /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9_]+)$/;
const SPECIAL_FLOATS = new Set([
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
  '.nan',
  '.NaN',
  '.NAN',
]);
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

/** Resolves a plain scalar the way go-yaml v2 does (YAML 1.1 core types). */
export function resolvePlainYaml(text: string): ScalarType {
  if (NULLS.has(text)) return 'null';
  if (BOOLS.has(text)) return 'bool';
  if (SPECIAL_FLOATS.has(text)) return 'number';
  if (INT.test(text) && /[0-9]/.test(text)) return 'number';
  if (FLOAT.test(text)) return 'number';
  return 'string';
}

function resolvePlainJson(text: string): ScalarType {
  if (text === 'null') return 'null';
  if (text === 'true' || text === 'false') return 'bool';
  if (JSON_NUMBER.test(text)) return 'number';
  return 'string';
}

/** Whether Kubernetes' decoder would read this text as JSON: its first non-blank character is `{`. */
export function looksLikeJson(text: string): boolean {
  return /^[ \t\r\n]*\{/.test(text);
}

interface BuildContext {
  readonly file: string;
  readonly counter: LineCounter;
  readonly json: boolean;
  readonly doc: Document.Parsed;
  readonly duplicates: DuplicateKey[];
  readonly problems: SyntaxProblem[];
  depth: number;
}

function positionAt(ctx: BuildContext, offset: number | undefined): Position {
  const { line, col } = ctx.counter.linePos(offset ?? 0);
  return { file: ctx.file, line, col };
}

function scalarOf(ctx: BuildContext, node: Scalar): ScalarNode {
  const pos = positionAt(ctx, node.range?.[0]);
  const text = typeof node.value === 'string' ? node.value : String(node.value);
  if (node.type === Scalar.PLAIN && node.tag === undefined) {
    const type = ctx.json ? resolvePlainJson(text) : resolvePlainYaml(text);
    return { kind: 'scalar', type, value: text, pos };
  }
  if (node.tag === '!!null' || node.tag === 'tag:yaml.org,2002:null')
    return { kind: 'scalar', type: 'null', value: text, pos };
  if (node.tag === '!!bool' || node.tag === 'tag:yaml.org,2002:bool')
    return { kind: 'scalar', type: 'bool', value: text, pos };
  if (
    node.tag === '!!int' ||
    node.tag === '!!float' ||
    node.tag === 'tag:yaml.org,2002:int' ||
    node.tag === 'tag:yaml.org,2002:float'
  ) {
    return { kind: 'scalar', type: 'number', value: text, pos };
  }
  return { kind: 'scalar', type: 'string', value: text, pos };
}

const MAX_DEPTH = 200;

function build(ctx: BuildContext, node: unknown, path: string): TreeNode {
  if (ctx.depth > MAX_DEPTH) {
    ctx.problems.push({ message: 'document nests too deeply', pos: positionAt(ctx, 0) });
    return { kind: 'scalar', type: 'null', value: '', pos: positionAt(ctx, 0) };
  }
  ctx.depth++;
  try {
    return buildInner(ctx, node, path);
  } finally {
    ctx.depth--;
  }
}

function buildInner(ctx: BuildContext, node: unknown, path: string): TreeNode {
  if (node === null || node === undefined) return { kind: 'scalar', type: 'null', value: '', pos: positionAt(ctx, 0) };
  if (isAlias(node)) {
    const target = node.resolve(ctx.doc);
    if (target === undefined) {
      ctx.problems.push({
        message: `unknown anchor ${node.source}`,
        pos: positionAt(ctx, node.range?.[0]),
      });
      return { kind: 'scalar', type: 'null', value: '', pos: positionAt(ctx, node.range?.[0]) };
    }
    return build(ctx, target, path);
  }
  if (isScalar(node)) return scalarOf(ctx, node);
  if (isSeq(node)) {
    const items = node.items.map((item, i) => build(ctx, item, `${path}[${String(i)}]`));
    return { kind: 'seq', items, pos: positionAt(ctx, node.range?.[0]) };
  }
  if (isMap(node)) {
    const entries: MapEntry[] = [];
    const seen = new Map<string, number>();
    const merged: MapEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const key: ScalarNode =
        keyNode !== null && isScalar(keyNode)
          ? scalarOf(ctx, keyNode)
          : {
              kind: 'scalar',
              type: 'string',
              value: keyNode === null ? '' : String(keyNode),
              pos: positionAt(ctx, keyNode?.range?.[0]),
            };
      const keyText = key.type === 'null' ? 'null' : key.value;
      const childPath = path === '' ? keyText : `${path}.${keyText}`;
      if (
        !ctx.json &&
        key.type === 'string' &&
        keyText === '<<' &&
        keyNode !== null &&
        isScalar(keyNode) &&
        keyNode.type === Scalar.PLAIN
      ) {
        const value = build(ctx, pair.value, path);
        const sources = value.kind === 'seq' ? value.items : [value];
        for (const source of sources) if (source.kind === 'map') merged.push(...source.entries);
        continue;
      }
      const identity = `${key.type}\u0000${keyText}`;
      const value = build(ctx, pair.value, childPath);
      if (seen.has(identity)) {
        // go-yaml reports a repeated key at the line where its value starts (a block collection below the key).
        const valueNode = pair.value as YamlNode | null;
        const at =
          valueNode !== null && (isMap(valueNode) || isSeq(valueNode)) && valueNode.range !== undefined
            ? value.pos
            : key.pos;
        ctx.duplicates.push({ key: keyText, keyType: key.type, pos: at, path });
      }
      seen.set(identity, entries.length);
      entries.push({ key: keyText, keyType: key.type, keyPos: key.pos, value });
    }
    // Merge keys (`<<`) contribute only the keys the mapping does not set itself.
    for (const entry of merged) if (!seen.has(`${entry.keyType}\u0000${entry.key}`)) entries.push(entry);
    return { kind: 'map', entries, pos: positionAt(ctx, node.range?.[0]) };
  }
  return { kind: 'scalar', type: 'null', value: '', pos: positionAt(ctx, 0) };
}

export interface ParseOptions {
  /** Resolve plain scalars with JSON rules instead of YAML 1.1 rules. */
  readonly json?: boolean;
}

/** Parses every document of a YAML (or JSON) stream into positioned trees, collecting syntax problems. */
export function parseDocuments(text: string, file: string, options: ParseOptions = {}): ParseResult {
  const counter = new LineCounter();
  const problems: SyntaxProblem[] = [];
  const documents: ParsedDocument[] = [];
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter: counter,
      uniqueKeys: false,
      schema: 'failsafe',
      prettyErrors: false,
    }) as Document.Parsed[];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { documents: [], problems: [{ message, pos: { file, line: 1, col: 1 } }] };
  }
  if (!Array.isArray(docs)) docs = [];
  for (const doc of docs) {
    for (const error of doc.errors) {
      const { line, col } = counter.linePos(error.pos[0]);
      problems.push({ message: firstLine(error.message), pos: { file, line, col } });
    }
    const duplicates: DuplicateKey[] = [];
    const ctx: BuildContext = { file, counter, json: options.json === true, doc, duplicates, problems, depth: 0 };
    const root =
      doc.contents === null
        ? { kind: 'scalar' as const, type: 'null' as const, value: '', pos: positionAt(ctx, doc.range[0]) }
        : build(ctx, doc.contents, '');
    documents.push({ root, duplicates });
  }
  return { documents, problems };
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}

/** The last entry for `key` (duplicates keep the last value, as Kubernetes' YAML conversion does). */
export function getEntry(node: TreeNode | undefined, key: string): MapEntry | undefined {
  if (node?.kind !== 'map') return undefined;
  let found: MapEntry | undefined;
  for (const entry of node.entries) if (entry.key === key && entry.keyType === 'string') found = entry;
  return found;
}

export function getValue(node: TreeNode | undefined, key: string): TreeNode | undefined {
  return getEntry(node, key)?.value;
}

/** A string scalar's value, or undefined for anything else. */
export function stringValue(node: TreeNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.type === 'string' ? node.value : undefined;
}

/** Collapses duplicate keys (last wins, keeping the first key's place) and sorts keys byte-wise, recursively: the
 * shape Kubernetes' YAML-to-JSON conversion hands to the JSON decoder. */
export function normalizeLikeYamlToJson(node: TreeNode): TreeNode {
  if (node.kind === 'scalar') return node;
  if (node.kind === 'seq') return { ...node, items: node.items.map(normalizeLikeYamlToJson) };
  const byKey = new Map<string, MapEntry>();
  for (const entry of node.entries) byKey.set(entry.key, { ...entry, value: normalizeLikeYamlToJson(entry.value) });
  const entries = [...byKey.values()].sort((a, b) => compareCodePoints(a.key, b.key));
  return { ...node, entries };
}

/** Go's string order: byte-wise UTF-8, which is code-point order. */
export function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = (x[i]!.codePointAt(0) ?? 0) - (y[i]!.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Plain JavaScript value of a tree (numbers and booleans converted), for rendering. */
export function toPlain(node: TreeNode): unknown {
  if (node.kind === 'seq') return node.items.map(toPlain);
  if (node.kind === 'map') {
    const out: Record<string, unknown> = {};
    for (const entry of node.entries) out[entry.key] = toPlain(entry.value);
    return out;
  }
  switch (node.type) {
    case 'null':
      return null;
    case 'bool':
      return /^(y|yes|on|true)$/i.test(node.value);
    case 'number': {
      const n = Number(node.value.replaceAll('_', ''));
      return Number.isFinite(n) ? n : node.value;
    }
    default:
      return node.value;
  }
}

/** Builds a tree from a plain value, every node placed at `pos` (for built-in defaults). */
export function fromPlain(value: unknown, pos: Position): TreeNode {
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((v) => fromPlain(v, pos)), pos };
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, v]) => ({
      key,
      keyType: 'string' as const,
      keyPos: pos,
      value: fromPlain(v, pos),
    }));
    return { kind: 'map', entries, pos };
  }
  if (value === null || value === undefined) return { kind: 'scalar', type: 'null', value: 'null', pos };
  if (typeof value === 'boolean') return { kind: 'scalar', type: 'bool', value: String(value), pos };
  if (typeof value === 'number') return { kind: 'scalar', type: 'number', value: String(value), pos };
  return { kind: 'scalar', type: 'string', value: typeof value === 'string' ? value : JSON.stringify(value), pos };
}
