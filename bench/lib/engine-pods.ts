/**
 * The pods of the engine benchmark (`bench/engine.bench.ts`) and its profile script (`bench/engine-profile.ts`): the
 * seed's two workloads plus the shapes real pods take that stress per-container and per-list work (many containers,
 * init and ephemeral containers, many volumes, many sysctls, and a pod that fails every check).
 */

/** A restricted-compliant container with ports, probes and a lifecycle hook, as a real service container has. */
function serviceContainer(name: string, port: number, addNetBind: boolean): Record<string, unknown> {
  return {
    name,
    image: `registry.example/${name}:1.0`,
    ports: [{ containerPort: port, name: 'http' }],
    livenessProbe: { httpGet: { path: '/healthz', port } },
    readinessProbe: { tcpSocket: { port } },
    lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: addNetBind ? ['NET_BIND_SERVICE'] : [] },
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/** A pod of `n` restricted-compliant service containers, three volumes and an AppArmor annotation. */
function manyContainerPod(n: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${String(n)}-containers`,
      annotations: { 'container.apparmor.security.beta.kubernetes.io/c0': 'runtime/default' },
    },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      volumes: [
        { name: 'config', configMap: { name: 'app-config' } },
        { name: 'cache', emptyDir: {} },
        { name: 'token', projected: { sources: [] } },
      ],
      initContainers: [],
      containers: Array.from({ length: n }, (_, i) => serviceContainer(`c${String(i)}`, 8080 + i, i % 3 === 0)),
    },
  };
}

/** The seed's restricted-compliant Deployment (`example-workload`), as the Pod its template produces. */
const restrictedPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'example-workload', namespace: 'default', labels: { app: 'example-workload' } },
  spec: {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    containers: [
      {
        name: 'example-workload',
        image: 'ghcr.io/siderolabs/example-workload',
        imagePullPolicy: 'Always',
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      },
    ],
  },
};

/** The seed's `debug-container` DaemonSet pod template (fails baseline and restricted). */
const daemonSetPod = {
  metadata: { creationTimestamp: null, labels: { app: 'debug-container' } },
  spec: {
    containers: [
      {
        args: ['360000'],
        command: ['/bin/sleep'],
        image: 'ubuntu:latest',
        imagePullPolicy: 'IfNotPresent',
        name: 'debug-container',
        resources: {},
        securityContext: { privileged: true },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    dnsPolicy: 'ClusterFirstWithHostNet',
    hostIPC: true,
    hostPID: true,
    hostNetwork: true,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};

/** Two init containers, three regular and two ephemeral (debug) containers, all restricted-compliant. */
const initAndEphemeralPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'init-and-ephemeral' },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [serviceContainer('migrate', 9000, false), serviceContainer('wait-for-db', 9001, false)],
    containers: [
      serviceContainer('app', 8080, true),
      serviceContainer('sidecar', 8081, false),
      serviceContainer('metrics', 8082, false),
    ],
    ephemeralContainers: [
      {
        name: 'debugger-1',
        image: 'busybox',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
      {
        name: 'debugger-2',
        image: 'busybox',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  },
};

const VOLUME_KINDS = [
  (name: string) => ({ name, configMap: { name } }),
  (name: string) => ({ name, secret: { secretName: name } }),
  (name: string) => ({ name, emptyDir: {} }),
  (name: string) => ({ name, persistentVolumeClaim: { claimName: name } }),
  (name: string) => ({ name, projected: { sources: [{ configMap: { name } }] } }),
  (name: string) => ({ name, downwardAPI: { items: [] } }),
  (name: string) => ({ name, csi: { driver: 'secrets-store.csi.k8s.io' } }),
];

/** One container and 40 volumes of every allowed source (a chart that mounts a configMap and secret per feature). */
const manyVolumesPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'many-volumes' },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    volumes: Array.from({ length: 40 }, (_, i) => VOLUME_KINDS[i % VOLUME_KINDS.length]!(`v${String(i)}`)),
    containers: [serviceContainer('app', 8080, false)],
  },
};

const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
];

/** One container and every safe sysctl, twice over (28 entries; duplicates pass as upstream lets them). */
const manySysctlsPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'many-sysctls' },
  spec: {
    securityContext: {
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      sysctls: [...SAFE_SYSCTLS, ...SAFE_SYSCTLS].map((name) => ({ name, value: '1' })),
    },
    containers: [serviceContainer('app', 8080, false)],
  },
};

/** A pod that every check at restricted:latest (and so every baseline check) forbids, with two offending containers. */
const failsEveryCheckPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'fails-everything',
    annotations: { 'container.apparmor.security.beta.kubernetes.io/bad': 'unconfined' },
  },
  spec: {
    hostNetwork: true,
    hostPID: true,
    hostIPC: true,
    securityContext: {
      runAsNonRoot: false,
      runAsUser: 0,
      seLinuxOptions: { type: 'spc_t', user: 'system_u' },
      seccompProfile: { type: 'Unconfined' },
      appArmorProfile: { type: 'Unconfined' },
      sysctls: [
        { name: 'kernel.msgmax', value: '1' },
        { name: 'net.core.somaxconn', value: '1024' },
      ],
      windowsOptions: { hostProcess: true },
    },
    volumes: [
      { name: 'host', hostPath: { path: '/' } },
      { name: 'share', nfs: { server: 'nfs.example', path: '/' } },
    ],
    containers: ['bad', 'worse'].map((name, i) => ({
      name,
      image: 'ubuntu',
      ports: [{ containerPort: 80 + i, hostPort: 80 + i }],
      livenessProbe: { httpGet: { host: 'metadata.internal', path: '/', port: 80 } },
      securityContext: {
        privileged: true,
        allowPrivilegeEscalation: true,
        capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] },
        procMount: 'Unmasked',
        runAsNonRoot: false,
        runAsUser: 0,
        seLinuxOptions: { role: 'sysadm_r' },
        seccompProfile: { type: 'Unconfined' },
        appArmorProfile: { type: 'Unconfined' },
        windowsOptions: { hostProcess: true },
      },
    })),
  },
};

/** The benchmark's pods, in table order. */
export const enginePods: readonly { readonly name: string; readonly raw: unknown }[] = [
  { name: 'restricted-compliant pod', raw: restrictedPod },
  { name: 'seed DaemonSet pod', raw: daemonSetPod },
  { name: '10-container pod', raw: manyContainerPod(10) },
  { name: '50-container pod', raw: manyContainerPod(50) },
  { name: 'init + ephemeral containers', raw: initAndEphemeralPod },
  { name: '40 volumes', raw: manyVolumesPod },
  { name: '28 sysctls', raw: manySysctlsPod },
  { name: 'fails every check', raw: failsEveryCheckPod },
];

/** Each pod is measured at these LevelVersions. */
export const engineLevelVersions = ['restricted:latest', 'baseline:latest'] as const;
