/**
 * A line diff for the fix view (Myers' O(ND) algorithm on lines). The fix only adds and changes a few lines per
 * object, so D stays small; past `maxEdits` the diff gives up and reports the texts as replaced wholesale.
 */
export const DiffOps = { same: 'same', added: 'added', removed: 'removed' } as const;
export type DiffOp = (typeof DiffOps)[keyof typeof DiffOps];

export interface DiffLine {
  readonly op: DiffOp;
  readonly text: string;
  /** 1-based line in the old text (same, removed) or the new text (added). */
  readonly line: number;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The lines of `before` and `after`, each marked same, removed or added, in reading order. */
export function diffLines(before: string, after: string, maxEdits = 20_000): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // Common prefix and suffix first: most of a fixed stream is untouched.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB), maxEdits);
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ op: 'same', text: a[i]!, line: i + 1 });
  if (middle === undefined) {
    for (let i = start; i < endA; i++) out.push({ op: 'removed', text: a[i]!, line: i + 1 });
    for (let j = start; j < endB; j++) out.push({ op: 'added', text: b[j]!, line: j + 1 });
  } else {
    for (const d of middle) out.push({ ...d, line: d.line + start });
  }
  for (let i = endA; i < a.length; i++) out.push({ op: 'same', text: a[i]!, line: i + 1 });
  return out;
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): DiffLine[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d, offset);
    }
    v = next;
  }
  return undefined;
}

function backtrack(
  a: readonly string[],
  b: readonly string[],
  trace: readonly Int32Array[],
  depth: number,
  offset: number,
): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = depth; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      out.push({ op: 'same', text: a[x]!, line: x + 1 });
    }
    if (down) {
      y--;
      out.push({ op: 'added', text: b[y]!, line: y + 1 });
    } else {
      x--;
      out.push({ op: 'removed', text: a[x]!, line: x + 1 });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    out.push({ op: 'same', text: a[x]!, line: x + 1 });
  }
  return out.reverse();
}
