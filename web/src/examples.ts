/** Joins several manifest files into one YAML stream, as `cat a.yaml b.yaml` with `---` between them would. */
export function joinManifests(texts: readonly string[]): string {
  return texts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('---\n');
}

/** The seed walkthrough's three manifests (examples/01..03), in order. */
export const SEED_FILES = [
  'examples/01-restricted-deployment.yaml',
  'examples/02-nginx-deployment.yaml',
  'examples/03-debug-container-daemonset.yaml',
] as const;
