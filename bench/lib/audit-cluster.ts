/**
 * A generated cluster for the audit benchmark, served by the Kubernetes API stand-in in its own process (so serving
 * and auditing do not share an event loop). `node --import tsx bench/lib/audit-cluster.ts CERT KEY PODS NAMESPACES`
 * prints `{"port": N}` once ready and serves until its standard input closes.
 */
import { readFileSync } from 'node:fs';
import { startKubeApiStandIn } from '../../test/server/kube-api-stand-in.ts';

const P = 'pod-security.kubernetes.io/';
/** Namespace labels in rotation: unlabelled (cluster default), baseline, restricted, privileged. */
const LABELS: readonly Record<string, string>[] = [
  {},
  { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted' },
  { [`${P}enforce`]: 'restricted' },
  { [`${P}enforce`]: 'privileged' },
];

const HARDENED = {
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      image: 'registry.example/app:1.4.2',
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      },
    },
  ],
};
const PLAIN = {
  containers: [
    { name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] },
    { name: 'sidecar', image: 'envoyproxy/envoy:v1.30' },
  ],
};
const PRIVILEGED = {
  hostNetwork: true,
  hostPID: true,
  containers: [{ name: 'agent', image: 'agent:2', securityContext: { privileged: true } }],
  volumes: [{ name: 'root', hostPath: { path: '/', type: '' } }],
};

/** One pod as a LIST returns it (no kind or apiVersion), owned by a Deployment's ReplicaSet. */
function pod(namespace: string, i: number): unknown {
  const spec = i % 10 === 9 ? PRIVILEGED : i % 10 >= 6 ? PLAIN : HARDENED;
  const app = `app-${i % 5}`;
  const rs = `${app}-7d9f8c6b5`;
  return {
    metadata: {
      name: `${rs}-${String(i).padStart(5, '0')}`,
      namespace,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { app, 'pod-template-hash': '7d9f8c6b5' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs,
          uid: `rs-${namespace}-${app}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      ...spec,
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      nodeName: `node-${i % 7}`,
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: { phase: 'Running', podIP: `10.0.${i % 250}.${i % 200}`, startTime: '2026-01-01T00:00:01Z' },
  };
}

export async function main(argv: readonly string[]): Promise<void> {
  const [certFile, keyFile, podsText, namespacesText] = argv;
  const pods = Number(podsText);
  const namespaces = Number(namespacesText);
  const api = await startKubeApiStandIn({ cert: readFileSync(certFile!), key: readFileSync(keyFile!) });
  const perNamespace = Math.ceil(pods / namespaces);
  let made = 0;
  for (let n = 0; n < namespaces; n++) {
    const name = `team-${String(n).padStart(4, '0')}`;
    api.upsertNamespace(name, LABELS[n % LABELS.length]);
    const list: unknown[] = [];
    for (let i = 0; i < perNamespace && made < pods; i++, made++) list.push(pod(name, made));
    api.setPods(name, list);
  }
  process.stdout.write(`${JSON.stringify({ port: api.port, url: api.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void api.close().then(() => process.exit(0));
  });
}

if (process.argv[1]?.endsWith('audit-cluster.ts') === true) await main(process.argv.slice(2));
