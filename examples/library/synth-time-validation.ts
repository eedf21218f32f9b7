// examples/library/synth-time-validation.ts: validate generated manifests at synth time, as a cdk8s app or a Pepr
// module could before anything reaches a cluster. A plain TypeScript "chart" builds the objects; psa checks them
// against the cluster's Pod Security configuration and fails the synth with file:line messages when a pod would be
// refused.
import { stringify } from 'yaml';
import { checkExitCode, checkManifests } from 'kube-psa/check';

/** A tiny chart: what a cdk8s `Chart` would synthesize, as plain objects. */
function webChart(name: string, options: { readonly debug: boolean }): object[] {
  const container = {
    name,
    image: `registry.example/${name}:1.0`,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      ...(options.debug ? { privileged: true } : {}),
    },
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [container] } },
      },
    },
  ];
}

/** Synthesizes the charts to one YAML stream (as `cdk8s synth` writes dist/*.k8s.yaml) and validates it. */
async function synth(charts: readonly object[][]): Promise<number> {
  const yaml = charts
    .flat()
    .map((o) => stringify(o))
    .join('---\n');
  const report = await checkManifests(yaml, { file: 'dist/app.k8s.yaml' });
  for (const r of report.results) {
    if (r.refused) console.error(`${r.file}:${r.line}: ${r.kind}/${r.name}: ${r.refusal ?? ''}`);
    for (const w of r.warnings) console.error(`${r.file}:${r.line}: ${r.kind}/${r.name}: Warning: ${w}`);
  }
  for (const e of report.errors) console.error(`${e.file}:${e.line ?? 0}: ${e.message}`);
  console.log(`synth: ${report.summary.objects} workloads checked, ${report.summary.refused} would be refused`);
  return checkExitCode(report.summary);
}

const debug = process.argv.includes('--debug');
process.exitCode = await synth([webChart('shop', { debug: false }), webChart('tools', { debug })]);
