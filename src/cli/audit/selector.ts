/**
 * Label selectors (`-l`) for pods read from files: the API server applies them to cluster LISTs; for `--from` dumps
 * psa applies them itself. The equality- and set-based forms kubectl accepts: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
 * `k in (a,b)`, `k notin (a,b)`, comma-separated (all must hold).
 */
export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

/** Splits on commas outside parentheses. */
function requirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of selector) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  return out.filter((r) => r !== '');
}

export function parseSelector(selector: string): LabelMatcher {
  const tests = requirements(selector).map((req): LabelMatcher => {
    const set = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(req);
    if (set !== null) {
      const [, key, op, list] = set as unknown as [string, string, string, string];
      const values = new Set(list.split(',').map((v) => v.trim()));
      return op === 'in'
        ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key]!)
        : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]!);
    }
    const eq = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(req);
    if (eq !== null) {
      const [, key, op, value] = eq as unknown as [string, string, string, string];
      return op === '!='
        ? (labels) => labels[key] !== value || !Object.hasOwn(labels, key)
        : (labels) => Object.hasOwn(labels, key) && labels[key] === value;
    }
    const exists = /^(!?)([^\s!=(),]+)$/.exec(req);
    if (exists !== null) {
      const [, not, key] = exists as unknown as [string, string, string];
      return not === '!' ? (labels) => !Object.hasOwn(labels, key) : (labels) => Object.hasOwn(labels, key);
    }
    throw new SelectorError(`invalid label selector ${JSON.stringify(selector)}: cannot parse ${JSON.stringify(req)}`);
  });
  return (labels) => tests.every((t) => t(labels));
}
