/**
 * The webhook benchmark's traffic: 30 namespaces (enforce privileged / baseline / restricted, some pinned to v1.30,
 * warn and audit restricted), their existing pods, and a pool of distinct AdmissionReviews, about 70% pod creates,
 * 20% Deployment updates and 10% namespace updates (1 in 5 of those tightens enforce and evaluates the existing pods).
 */
export type Body = { readonly kind: 'pod' | 'workload' | 'namespace'; readonly text: string };

const LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export const NAMESPACES = Array.from({ length: 30 }, (_, i) => ({
  name: `team-${i}`,
  labels: {
    'pod-security.kubernetes.io/enforce': LEVELS[i % 3]!,
    'pod-security.kubernetes.io/warn': 'restricted',
    'pod-security.kubernetes.io/audit': 'restricted',
    ...(i % 5 === 0 ? { 'pod-security.kubernetes.io/enforce-version': 'v1.30' } : {}),
  },
}));

const HARDENED = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      image: 'registry.example/app:1.4.2',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '100m' } },
    },
  ],
};
const PLAIN = {
  containers: [
    { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'envoy:1.30', resources: { limits: { memory: '128Mi' } } },
  ],
  initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }],
};
const PRIVILEGED = {
  hostNetwork: true,
  containers: [
    {
      name: 'agent',
      image: 'agent:2',
      securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } },
      ports: [{ containerPort: 9100, hostPort: 9100 }],
    },
  ],
  volumes: [{ name: 'root', hostPath: { path: '/' } }],
};
const SPECS = [HARDENED, HARDENED, PLAIN, PLAIN, PRIVILEGED];

function review(uid: string, request: Record<string, unknown>): string {
  return JSON.stringify({
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid,
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        groups: ['system:serviceaccounts'],
      },
      dryRun: false,
      ...request,
    },
  });
}

export function buildPool(size: number): Body[] {
  const pool: Body[] = [];
  for (let i = 0; i < size; i++) {
    const ns = NAMESPACES[i % NAMESPACES.length]!;
    const spec = SPECS[i % SPECS.length]!;
    const uid = `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
    const roll = i % 10;
    if (roll < 7) {
      const name = `web-${i}-x7k2p`;
      pool.push({
        kind: 'pod',
        text: review(uid, {
          kind: { group: '', version: 'v1', kind: 'Pod' },
          resource: { group: '', version: 'v1', resource: 'pods' },
          requestKind: { group: '', version: 'v1', kind: 'Pod' },
          requestResource: { group: '', version: 'v1', resource: 'pods' },
          name,
          namespace: ns.name,
          operation: 'CREATE',
          object: {
            kind: 'Pod',
            apiVersion: 'v1',
            metadata: {
              name,
              namespace: ns.name,
              labels: { app: 'web' },
              ownerReferences: [
                { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs-1', controller: true },
              ],
            },
            spec,
          },
          options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
        }),
      });
    } else if (roll < 9) {
      const deployment = (image: string): unknown => ({
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        metadata: { name: 'web', namespace: ns.name, generation: 3 },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { ...spec, containers: spec.containers.map((c) => ({ ...c, image })) },
          },
        },
      });
      pool.push({
        kind: 'workload',
        text: review(uid, {
          kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
          resource: { group: 'apps', version: 'v1', resource: 'deployments' },
          name: 'web',
          namespace: ns.name,
          operation: 'UPDATE',
          object: deployment(`app:${i}`),
          oldObject: deployment(`app:${i - 1}`),
          options: { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1' },
        }),
      });
    } else {
      // Mostly audit/warn relabels (no pod listing); one in five tightens enforce and evaluates existing pods.
      const tighten = i % 50 === 9;
      const namespace = (labels: Record<string, string>): unknown => ({
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: ns.name, labels: { 'kubernetes.io/metadata.name': ns.name, ...labels } },
        spec: { finalizers: ['kubernetes'] },
      });
      const oldLabels = { ...ns.labels };
      const newLabels = tighten
        ? {
            ...ns.labels,
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          }
        : { ...ns.labels, 'pod-security.kubernetes.io/warn': i % 2 === 0 ? 'baseline' : 'restricted', team: `t${i}` };
      pool.push({
        kind: 'namespace',
        text: review(uid, {
          kind: { group: '', version: 'v1', kind: 'Namespace' },
          resource: { group: '', version: 'v1', resource: 'namespaces' },
          name: ns.name,
          namespace: ns.name,
          operation: 'UPDATE',
          object: namespace(newLabels),
          oldObject: namespace(oldLabels),
          options: { kind: 'UpdateOptions', apiVersion: 'meta.k8s.io/v1' },
        }),
      });
    }
  }
  return pool;
}

export function podsFor(namespace: string, count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: `existing-${i}`,
      namespace,
      uid: `p-${namespace}-${i}`,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `rs-${i % 4}`,
          uid: `rs-${namespace}-${i % 4}`,
          controller: true,
        },
      ],
    },
    spec: SPECS[i % SPECS.length],
    status: { phase: 'Running' },
  }));
}
