// A `kubectl get ns,pods -o json` dump of one namespace with many pods, for the per-pod policy report's split tests:
// labelled enforce=baseline, warn=restricted; of every ten pods six are hardened (a pass), three plain (four restricted
// warnings each) and one privileged (three baseline failures, five restricted warnings), owned in turn by five
// Deployments' ReplicaSets (named by the pod-template-hash convention, so no ReplicaSet needs listing).

const P = 'pod-security.kubernetes.io/';

const HARDENED = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      image: 'registry.example/app:1',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
  ],
};
const PLAIN = { containers: [{ name: 'web', image: 'nginx:1.27' }] };
const PRIVILEGED = {
  hostNetwork: true,
  containers: [{ name: 'agent', image: 'agent:2', securityContext: { privileged: true } }],
  volumes: [{ name: 'root', hostPath: { path: '/' } }],
};

export type PodKind = 'hardened' | 'plain' | 'privileged';

/** The kind of the i-th pod. */
export function podKind(i: number): PodKind {
  return i % 10 === 9 ? 'privileged' : i % 10 >= 6 ? 'plain' : 'hardened';
}

/** The i-th pod's name. */
export function podName(i: number): string {
  return `app-${i % 5}-7d9f8c6b5-${String(i).padStart(6, '0')}`;
}

export const NAMESPACE_LABELS = { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted' };

/** The dump as JSON (a v1 List). */
export function manyPodsDump(namespace: string, pods: number): string {
  const items: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: NAMESPACE_LABELS } },
  ];
  const specs = { hardened: HARDENED, plain: PLAIN, privileged: PRIVILEGED };
  for (let i = 0; i < pods; i++) {
    const app = `app-${i % 5}`;
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName(i),
        namespace,
        uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        labels: { app, 'pod-template-hash': '7d9f8c6b5' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `${app}-7d9f8c6b5`,
            uid: `rs-${app}`,
            controller: true,
          },
        ],
      },
      spec: specs[podKind(i)],
    });
  }
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}
