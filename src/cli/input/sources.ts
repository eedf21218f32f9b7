import { opendir, stat } from 'node:fs/promises';

/** One input to read: a file (as named on the command line or found in a folder) or standard input. */
export interface InputSource {
  /** The name shown in output: the path as given, or `-` for stdin. */
  readonly name: string;
  /** The file path, or undefined for stdin. */
  readonly path: string | undefined;
  /** Whether the content is a single JSON document (by extension); otherwise a YAML stream. */
  readonly json: boolean;
}

/** A path that could not be turned into sources (missing, unreadable, unsupported). */
export interface SourceProblem {
  readonly name: string;
  readonly message: string;
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export function isManifestFile(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function isJsonName(name: string): boolean {
  return name.toLowerCase().endsWith('.json');
}

/** Compares by Unicode code point (byte order of UTF-8), so folder walks are stable across platforms. */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}

function errorText(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EACCES') return 'permission denied';
    if (code === 'ENOTDIR') return 'not a directory';
    if (code === 'ELOOP') return 'too many levels of symbolic links';
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Expands command-line paths into sources, in order: `-` is stdin, a file is taken as is (whatever its extension), a
 * folder is walked recursively in code-point order, taking `*.yaml`, `*.yml` and `*.json` and skipping hidden entries.
 * Folder symlinks are not followed (no cycles); file symlinks are.
 */
export async function* expandPaths(paths: readonly string[]): AsyncGenerator<InputSource | SourceProblem> {
  for (const given of paths) {
    if (given === '-') {
      yield { name: '-', path: undefined, json: false };
      continue;
    }
    let info;
    try {
      info = await stat(given);
    } catch (error) {
      yield { name: given, message: errorText(error) };
      continue;
    }
    if (info.isDirectory()) {
      yield* walk(given);
    } else if (info.isFile() || info.isFIFO() || info.isCharacterDevice()) {
      yield { name: given, path: given, json: isJsonName(given) };
    } else {
      yield { name: given, message: 'not a regular file or folder' };
    }
  }
}

async function* walk(dir: string): AsyncGenerator<InputSource | SourceProblem> {
  const entries: { name: string; dir: boolean }[] = [];
  try {
    for await (const entry of await opendir(dir)) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) entries.push({ name: entry.name, dir: true });
      else if (isManifestFile(entry.name) && (entry.isFile() || entry.isSymbolicLink())) {
        entries.push({ name: entry.name, dir: false });
      }
    }
  } catch (error) {
    yield { name: dir, message: errorText(error) };
    return;
  }
  entries.sort((a, b) => compareCodePoints(a.name, b.name));
  for (const entry of entries) {
    const path = joinPath(dir, entry.name);
    if (entry.dir) yield* walk(path);
    else yield { name: path, path, json: isJsonName(entry.name) };
  }
}

export function isSourceProblem(item: InputSource | SourceProblem): item is SourceProblem {
  return 'message' in item;
}
