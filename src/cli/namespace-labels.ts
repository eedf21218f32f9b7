import { UsageError } from './usage-error.ts';

/** Parses `NS:key=value[,key=value]` into namespace -> labels (later flags add to / override earlier ones). */
export function parseNamespaceLabels(flags: readonly string[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const flag of flags) {
    const colon = flag.indexOf(':');
    if (colon <= 0)
      throw new UsageError(
        `invalid --namespace-labels ${JSON.stringify(flag)}: expected NAMESPACE:key=value[,key=value]`,
      );
    const ns = flag.slice(0, colon);
    const labels = out.get(ns) ?? (Object.create(null) as Record<string, string>);
    for (const pair of flag.slice(colon + 1).split(',')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0)
        throw new UsageError(
          `invalid --namespace-labels ${JSON.stringify(flag)}: ${JSON.stringify(pair)} is not key=value`,
        );
      labels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    out.set(ns, labels);
  }
  return out;
}
