// examples/library/evaluate-pod.ts: one pod, one level, the engine's verdict (what `kubectl` would be told).
import { decodePod, evaluatePod, parseLevelVersion } from 'kube-psa';

const pod: unknown = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: { hostNetwork: true, containers: [{ name: 'web', image: 'nginx' }] },
};

// Untrusted input is decoded first: wrongly typed fields become issues with their path, never exceptions.
const decoded = decodePod(pod);
if (decoded.issues.length > 0) throw new Error(decoded.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));

const baseline = parseLevelVersion('baseline:v1.30');
if (!baseline.ok) throw new Error(baseline.error);

const result = evaluatePod(baseline.value, decoded.value.metadata, decoded.value.spec);
console.log(result.allowed ? 'allowed' : `forbidden: ${result.forbiddenDetail}`);
for (const v of result.violations) console.log(`- ${v.checkId}: ${v.reason}`);
