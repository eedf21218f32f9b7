/**
 * The three `node:path` functions src/config/load.ts uses, for the browser bundle (scripts/build-web.ts maps
 * `node:path` here): POSIX semantics, which is all the playground's in-memory files (`/pod-security.yaml`) need.
 */
export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}

function normalize(segments: readonly string[]): string {
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return `/${out.join('/')}`;
}

/** Resolves the paths right to left until one is absolute, from `/` (the playground's working directory). */
export function resolve(...paths: readonly string[]): string {
  const segments: string[] = [];
  for (let i = paths.length - 1; i >= 0; i--) {
    const path = paths[i]!;
    segments.unshift(...path.split('/'));
    if (isAbsolute(path)) break;
  }
  return normalize(segments);
}

export function dirname(path: string): string {
  const normal = resolve(path);
  const slash = normal.lastIndexOf('/');
  return slash <= 0 ? '/' : normal.slice(0, slash);
}
