/** How kubectl names a kind, which controller creates its pods, and the placeholder name of those pods. */
export interface KindInfo {
  /** kubectl's `<kind>.<group>` prefix, e.g. `deployment.apps`. */
  readonly display: string;
  /** The resource as the API server names it in messages, e.g. `deployments.apps`. */
  readonly resource: string;
  /** Event source of the controller that creates the pods (undefined: nothing creates pods from it). */
  readonly controller: string | undefined;
  /** The service account the controller creates pods as (kube-controller-manager with per-controller credentials). */
  readonly controllerUser: string | undefined;
  /** The placeholder pod name for an object named `name`. */
  podName(name: string): string;
}

/** Stands for the random 5-character suffix the API server appends to generated names. */
export const SUFFIX_PLACEHOLDER = 'xxxxx';
/** Stands for the pod-template-hash a Deployment's ReplicaSet carries. */
export const HASH_PLACEHOLDER = 'xxxxxxxxxx';
/** Stands for the scheduled time (minutes since the epoch) in a CronJob's Job name. */
export const SCHEDULE_PLACEHOLDER = 'xxxxxxxx';

const sa = (name: string): string => `system:serviceaccount:kube-system:${name}`;

const info = (
  kind: string,
  group: string,
  plural: string,
  controller: string | undefined,
  user: string | undefined,
  podName: (name: string) => string,
): KindInfo => ({
  display: group === '' ? kind.toLowerCase() : `${kind.toLowerCase()}.${group}`,
  resource: group === '' ? plural : `${plural}.${group}`,
  controller,
  controllerUser: user === undefined ? undefined : sa(user),
  podName,
});

const generated = (name: string): string => `${name}-${SUFFIX_PLACEHOLDER}`;

const KINDS: Readonly<Record<string, KindInfo>> = {
  Pod: info('Pod', '', 'pods', undefined, undefined, (n) => n),
  PodTemplate: info('PodTemplate', '', 'podtemplates', undefined, undefined, generated),
  ReplicationController: info(
    'ReplicationController',
    '',
    'replicationcontrollers',
    'replication-controller',
    'replication-controller',
    generated,
  ),
  ReplicaSet: info('ReplicaSet', 'apps', 'replicasets', 'replicaset-controller', 'replicaset-controller', generated),
  Deployment: info(
    'Deployment',
    'apps',
    'deployments',
    'replicaset-controller',
    'replicaset-controller',
    (n) => `${n}-${HASH_PLACEHOLDER}-${SUFFIX_PLACEHOLDER}`,
  ),
  DaemonSet: info('DaemonSet', 'apps', 'daemonsets', 'daemonset-controller', 'daemon-set-controller', generated),
  StatefulSet: info(
    'StatefulSet',
    'apps',
    'statefulsets',
    'statefulset-controller',
    'statefulset-controller',
    (n) => `${n}-0`,
  ),
  Job: info('Job', 'batch', 'jobs', 'job-controller', 'job-controller', generated),
  CronJob: info(
    'CronJob',
    'batch',
    'cronjobs',
    'job-controller',
    'job-controller',
    (n) => `${n}-${SCHEDULE_PLACEHOLDER}-${SUFFIX_PLACEHOLDER}`,
  ),
};

export function kindInfo(kind: string): KindInfo | undefined {
  return Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
}

/** kubectl's `<kind>.<group>` for any kind, e.g. `configmap`, `ingress.networking.k8s.io`. */
export function displayKind(apiVersion: string, kind: string): string {
  const known = kindInfo(kind);
  if (known !== undefined) return known.display;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return group === '' ? kind.toLowerCase() : `${kind.toLowerCase()}.${group}`;
}

/** Namespaces every cluster has, so a Namespace object naming them is an update (`configured`). */
export const BUILTIN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
