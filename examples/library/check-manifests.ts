// examples/library/check-manifests.ts: `psa check -o json` as a function, over text held in memory.
import { checkExitCode, checkManifests } from 'kube-psa/check';

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: registry.example/api:1.4
          securityContext: {privileged: true}
`;

// Talos' default unless told otherwise; here the shop namespace enforces restricted.
const report = await checkManifests(manifests, {
  file: 'shop.yaml',
  namespaceLabels: { shop: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
});
for (const r of report.results) {
  const verdict = r.refused ? `refused: ${r.refusal ?? ''}` : 'admitted';
  console.log(`${r.file}:${r.line}: ${r.kind}/${r.name}: ${verdict}`);
}
console.log(`exit code psa check would give: ${checkExitCode(report.summary)}`);
