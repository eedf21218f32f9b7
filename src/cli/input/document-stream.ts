/**
 * Reading YAML/JSON manifests into objects with positions, from any stream of text: the part of input reading that
 * needs no Node API, shared by the CLI (files, stdin) and the browser playground (an editor's text).
 */
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import { parseAllDocumentsWithUniqueKeys } from '../../yaml-documents.ts';

/** A position in an input file, both 1-based. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** One Kubernetes object read from the input (a YAML document, a JSON file, or an item of a `List`). */
export interface ManifestObject {
  readonly type: 'object';
  readonly file: string;
  /** 0-based index of the object in its file, counting documents and expanded `List` items in order. */
  readonly index: number;
  readonly position: Position;
  /** The parsed value: always a plain object (mapping). */
  readonly value: Readonly<Record<string, unknown>>;
  /** The position of a field given as a dotted path with `[i]` indices, relative to this object (best effort). */
  locate(path: string): Position | undefined;
}

/** Input that could not be read as an object; the rest of the input is still read. */
export interface InputError {
  readonly type: 'error';
  readonly file: string;
  readonly index: number | undefined;
  readonly position: Position | undefined;
  readonly message: string;
}

export type InputItem = ManifestObject | InputError;

/** The limits that apply to every document read. */
export interface ParseOptions {
  /** Documents larger than this many bytes (UTF-16 units, close enough) are reported and skipped. */
  readonly maxDocumentBytes: number;
  /** Maximum number of alias resolutions per document (YAML alias bombs). */
  readonly maxAliasCount: number;
}

export const DEFAULT_MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_ALIAS_COUNT = 100;

// eslint-disable-next-line no-control-regex -- detecting binary input is the point
const CONTROL_CHARACTER = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

/** Formats `file:line:col: message` (or `file: message` when there is no position). */
export function formatInputError(error: InputError): string {
  const where =
    error.position === undefined ? error.file : `${error.file}:${error.position.line}:${error.position.column}`;
  return `${where}: ${error.message}`;
}

/** A chunk of lines holding one YAML document (or a whole JSON file). */
interface Chunk {
  lines: string[];
  startLine: number;
  size: number;
  oversized: boolean;
  hasContent: boolean;
}

/** What {@link parseDocumentStream} needs to know about its input: the name shown and whether it is one JSON document. */
export interface StreamSource {
  readonly name: string;
  readonly json: boolean;
}

/**
 * Streams the objects of one source, document by document: the text is split into YAML documents at `---` / `...`
 * marker lines (which YAML forbids inside content, so the split is exact), and each document is parsed on its own, so
 * memory stays bounded by the largest document whatever the input size. JSON sources are a single document.
 */
export async function* parseDocumentStream(
  source: StreamSource,
  stream: AsyncIterable<string | Uint8Array>,
  options: ParseOptions,
): AsyncGenerator<InputItem> {
  const decoder = new TextDecoder('utf-8');
  let lineNumber = 0;
  let pending = '';
  let pendingOversized = false;
  let index = 0;
  let chunk: Chunk = { lines: [], startLine: 1, size: 0, oversized: false, hasContent: false };
  let binary: InputError | undefined;
  let first = true;

  /** Starts a new chunk and hands back the finished one. */
  const close = (): Chunk => {
    const current = chunk;
    chunk = { lines: [], startLine: lineNumber + 1, size: 0, oversized: false, hasContent: false };
    return current;
  };

  const emit = function* (current: Chunk): Generator<InputItem> {
    if (!current.hasContent) return;
    if (current.oversized) {
      yield {
        type: 'error',
        file: source.name,
        index: index++,
        position: { line: current.startLine, column: 1 },
        message: `document larger than ${formatBytes(options.maxDocumentBytes)}; not checked (see --max-document-size)`,
      };
      return;
    }
    for (const item of parseChunk(source.name, current, index, options.maxAliasCount)) {
      if (item.index !== undefined) index = item.index + 1;
      yield item;
    }
  };

  /** Adds a line; returns the chunk it completed, if any (a plain function: this runs for every line). */
  const takeLine = (line: string, oversizedLine: boolean): Chunk | undefined => {
    lineNumber++;
    if (!source.json) {
      const c = line.charCodeAt(0);
      if ((c === 0x2d || c === 0x2e) && /^(?:---|\.\.\.)(?:[ \t]|$)/.test(line)) {
        if (c === 0x2d) {
          // `---` starts a new document; directives just before it stay with it.
          let done: Chunk | undefined;
          if (chunk.hasContent && (chunk.oversized || !chunk.lines.every(isDirectiveOrBlank))) {
            lineNumber--;
            done = close();
            lineNumber++;
          }
          if (chunk.lines.length === 0) chunk.startLine = lineNumber;
          push(line, oversizedLine);
          chunk.hasContent = true;
          return done;
        }
        push(line, oversizedLine);
        return close();
      }
    }
    if (chunk.lines.length === 0 && !chunk.oversized) chunk.startLine = lineNumber;
    push(line, oversizedLine);
    if (!chunk.hasContent && !isBlankOrComment(line)) chunk.hasContent = true;
    return undefined;
  };

  const push = (line: string, oversizedLine: boolean): void => {
    if (chunk.oversized) return;
    chunk.size += line.length + 1;
    if (oversizedLine || chunk.size > options.maxDocumentBytes) {
      chunk.oversized = true;
      chunk.hasContent = true;
      chunk.lines = [];
      return;
    }
    chunk.lines.push(line);
  };

  try {
    for await (const piece of stream) {
      let text = typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (CONTROL_CHARACTER.test(text)) {
        binary = binaryError(source.name, pending, text, lineNumber, index);
        break;
      }
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        let line = text.slice(start, nl);
        if (pending !== '' || pendingOversized) {
          line = pending + line;
        }
        const wasOversized = pendingOversized;
        pending = '';
        pendingOversized = false;
        if (line.endsWith('\r')) line = line.slice(0, -1);
        const done = takeLine(line, wasOversized);
        if (done !== undefined) yield* emit(done);
        start = nl + 1;
      }
      if (start < text.length) {
        if (pendingOversized) continue;
        if (pending.length + (text.length - start) > options.maxDocumentBytes) {
          // A line longer than any document may be: remember only its start (enough to spot a `---` marker).
          pending = (pending + text.slice(start, start + 8)).slice(0, 8);
          pendingOversized = true;
        } else {
          pending += text.slice(start);
        }
      }
    }
    if (binary === undefined) {
      const tail = decoder.decode();
      if (tail !== '') pending += tail;
      if (pending !== '' || pendingOversized) {
        const done = takeLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending, pendingOversized);
        if (done !== undefined) yield* emit(done);
      }
      yield* emit(close());
    }
  } catch (error) {
    yield {
      type: 'error',
      file: source.name,
      index: undefined,
      position: lineNumber > 0 ? { line: lineNumber, column: 1 } : undefined,
      message: messageOf(error),
    };
    return;
  } finally {
    if (binary !== undefined && 'destroy' in stream && typeof stream.destroy === 'function')
      (stream.destroy as () => void)();
  }
  if (binary !== undefined) {
    // Whatever was complete before the garbage is still checked.
    yield* emit(close());
    yield binary;
  }
}

/** One YAML document's source text within a stream, and its first line (1-based). */
export interface SourceChunk {
  readonly text: string;
  readonly startLine: number;
}

/**
 * Splits a whole YAML stream into per-document source chunks with the same marker rule as {@link parseDocumentStream}, so
 * a tool can rewrite some documents and copy the others byte for byte. Concatenating the chunks gives the input back.
 */
export function splitYamlStream(text: string): SourceChunk[] {
  const out: SourceChunk[] = [];
  const lines = text.split('\n');
  let current: string[] = [];
  let start = 1;
  let content = false;
  const close = (nextStart: number): void => {
    if (current.length > 0) out.push({ text: current.join('\n') + '\n', startLine: start });
    current = [];
    start = nextStart;
    content = false;
  };
  lines.forEach((line, i) => {
    const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (/^---(?:[ \t]|$)/.test(bare) && content) close(i + 1);
    current.push(line);
    if (/^---(?:[ \t]|$)/.test(bare) || !isDirectiveOrBlank(bare)) content = true;
    if (/^\.\.\.(?:[ \t]|$)/.test(bare)) close(i + 2);
  });
  // The split added a final empty line for a trailing newline: drop it again.
  if (current.length > 0) {
    const last = current.join('\n');
    if (last !== '') out.push({ text: last, startLine: start });
  } else if (out.length > 0 && !text.endsWith('\n')) {
    const final = out[out.length - 1]!;
    out[out.length - 1] = { text: final.text.slice(0, -1), startLine: final.startLine };
  }
  return out;
}

function binaryError(file: string, pending: string, text: string, lineNumber: number, index: number): InputError {
  const joined = pending + text;
  const at = joined.search(CONTROL_CHARACTER);
  const before = joined.slice(0, at);
  const lines = before.split('\n');
  const line = lineNumber + lines.length;
  const column = (lines[lines.length - 1]?.length ?? 0) + 1;
  const code = joined.charCodeAt(at).toString(16).padStart(2, '0');
  return {
    type: 'error',
    file,
    index,
    position: { line, column },
    message: `binary data (control character 0x${code}): not YAML or JSON; rest of file skipped`,
  };
}

function isBlankOrComment(line: string): boolean {
  const t = line.trimStart();
  return t === '' || t.startsWith('#');
}

function isDirectiveOrBlank(line: string): boolean {
  return line.startsWith('%') || isBlankOrComment(line);
}

function formatBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  return n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}

/** An error's message; the system errors of reading a file in words (their `code`, where Node gives one). */
export function messageOf(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    const code = (error as Error & { readonly code?: unknown }).code;
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EACCES') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
  }
  return error instanceof Error ? error.message : String(error);
}

function describeNode(node: unknown): string {
  if (isSeq(node)) return 'a sequence';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    return typeof v === 'string'
      ? 'a string'
      : typeof v === 'number'
        ? 'a number'
        : typeof v === 'boolean'
          ? 'a boolean'
          : 'a scalar';
  }
  return 'an alias';
}

function* parseChunk(file: string, chunk: Chunk, firstIndex: number, maxAliasCount: number): Generator<InputItem> {
  const text = chunk.lines.join('\n');
  const lineCounter = new LineCounter();
  const base = chunk.startLine - 1;
  const positionOf = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line + base, column: p.col };
  };
  let index = firstIndex;
  const list: readonly Document.Parsed[] = parseAllDocumentsWithUniqueKeys(text, {
    version: '1.1',
    lineCounter,
    prettyErrors: false,
  });
  for (const doc of list) {
    const contents = doc.contents;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        yield { type: 'error', file, index, position: positionOf(e.pos[0]), message: yamlMessage(e.code, e.message) };
      }
      index++;
      continue;
    }
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    const docPosition = positionOf(contents.range?.[0] ?? 0);
    if (!isMap(contents)) {
      yield {
        type: 'error',
        file,
        index: index++,
        position: docPosition,
        message: `expected a Kubernetes object (a mapping), got ${describeNode(contents)}`,
      };
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount });
    } catch (error) {
      const message =
        error instanceof Error && error.message.startsWith('Excessive alias count')
          ? `too many YAML alias expansions (more than ${maxAliasCount}): refusing a possible alias bomb`
          : messageOf(error);
      yield { type: 'error', file, index: index++, position: docPosition, message };
      continue;
    }
    const object = value as Record<string, unknown>;
    const items = object['items'];
    const kind = object['kind'];
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items)) {
      const itemsNode = contents.get('items', true);
      for (let i = 0; i < items.length; i++) {
        const itemNode = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        const itemPosition = itemNode?.range ? positionOf(itemNode.range[0]) : docPosition;
        const item: unknown = items[i];
        if (item === null || typeof item !== 'object' || Array.isArray(item) || !isMap(itemNode)) {
          yield {
            type: 'error',
            file,
            index: index++,
            position: itemPosition,
            message: `items[${i}]: expected a Kubernetes object (a mapping)`,
          };
          continue;
        }
        yield makeObject(file, index++, itemPosition, item as Record<string, unknown>, itemNode, positionOf);
      }
      continue;
    }
    yield makeObject(file, index++, docPosition, object, contents, positionOf);
  }
}

function yamlMessage(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'duplicate key: map keys must be unique';
  return message;
}

function makeObject(
  file: string,
  index: number,
  position: Position,
  value: Record<string, unknown>,
  node: Node,
  positionOf: (offset: number) => Position,
): ManifestObject {
  return {
    type: 'object',
    file,
    index,
    position,
    value,
    locate(path: string): Position | undefined {
      let current: unknown = node;
      let found: Position | undefined = position;
      for (const segment of splitPath(path)) {
        if (typeof segment === 'number') {
          if (!isSeq(current)) break;
          current = current.items[segment];
        } else {
          if (!isMap(current)) break;
          current = current.get(segment, true);
        }
        const range = (current as Node | undefined)?.range;
        if (range === undefined || range === null) break;
        found = positionOf(range[0]);
      }
      return found;
    },
  };
}

/** Splits `a.b[0].c` (map keys may be bracketed: `labels[x/y]`) into segments. */
export function splitPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(/^[0-9]+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}
