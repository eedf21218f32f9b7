/**
 * The workload behind an audited request. A workload object (`deployments`, `cronjobs`, ...) is its own owner. A pod
 * is attributed, in order, to: the controller in its request object's `ownerReferences` (when the log has it); the
 * controller that sent the request, read from the user (`system:serviceaccount:kube-system:<controller>` or
 * `system:kube-controller-manager`) together with the suffixes that controller puts in pod names; a Deployment when
 * the name carries a ReplicaSet's pod-template-hash whoever sent it; else the pod itself. A pod created by
 * `generateName` and logged at level Metadata has no name in the log at all: it is attributed to the sending
 * controller's kind with the name {@link UNNAMED}.
 */

export interface Owner {
  readonly kind: string;
  readonly name: string;
}

const RESOURCE_KINDS: Readonly<Record<string, string>> = {
  pods: 'Pod',
  deployments: 'Deployment',
  replicasets: 'ReplicaSet',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  replicationcontrollers: 'ReplicationController',
  podtemplates: 'PodTemplate',
};

/** The characters Kubernetes' random suffixes use (`utilrand.String`: no vowels, no 0, 1, 3). */
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
/** `<deployment>-<pod-template-hash>-<random>`: the hash is 1 to 10 safe characters, the random part 5. */
const DEPLOYMENT_POD = new RegExp(`^(.+)-${SAFE}{1,10}-${SAFE}{5}$`);
const RANDOM_SUFFIX = new RegExp(`^(.+)-${SAFE}{5}$`);
/** A ReplicaSet name with a pod-template-hash. */
const HASHED_REPLICASET = new RegExp(`^(.+)-${SAFE}{1,10}$`);
/** A Job a CronJob created: `<cronjob>-<scheduled time in minutes>`. */
const CRONJOB_JOB = /^(.+)-\d{8,}$/;
const ORDINAL = /^(.+)-\d+$/;

const CONTROLLER_USER = /^system:serviceaccount:kube-system:([a-z-]+)$/;

/** The workload kind each controller creates pods for (a ReplicaSet's Deployment cannot be told without the name). */
const CONTROLLER_KINDS: Readonly<Record<string, string>> = {
  'replicaset-controller': 'ReplicaSet',
  'daemon-set-controller': 'DaemonSet',
  'statefulset-controller': 'StatefulSet',
  'job-controller': 'Job',
  'replication-controller': 'ReplicationController',
};

/** The owner name of a pod created by generateName and logged without its request object. */
export const UNNAMED = '(generated name, not logged)';

function trimGenerateName(name: string): string {
  return name.endsWith('-') ? name.slice(0, -1) : name;
}

function jobOwner(job: string): Owner {
  const cron = CRONJOB_JOB.exec(job);
  return cron === null ? { kind: 'Job', name: job } : { kind: 'CronJob', name: cron[1]! };
}

function replicaSetOwner(replicaSet: string): Owner {
  const hashed = HASHED_REPLICASET.exec(replicaSet);
  return hashed === null ? { kind: 'ReplicaSet', name: replicaSet } : { kind: 'Deployment', name: hashed[1]! };
}

/** The owner named by a controller owner reference, lifted through ReplicaSet and Job names to their own owners. */
function fromOwnerReferences(requestObject: unknown): Owner | undefined {
  const metadata = (requestObject as { metadata?: { ownerReferences?: unknown } } | undefined)?.metadata;
  const refs = metadata?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const ref of refs as { kind?: unknown; name?: unknown; controller?: unknown }[]) {
    if (ref.controller !== true || typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
    if (ref.kind === 'ReplicaSet') return replicaSetOwner(ref.name);
    if (ref.kind === 'Job') return jobOwner(ref.name);
    return { kind: ref.kind, name: ref.name };
  }
  return undefined;
}

function fromGenerateName(requestObject: unknown): string | undefined {
  const generateName = (requestObject as { metadata?: { generateName?: unknown } } | undefined)?.metadata?.generateName;
  return typeof generateName === 'string' && generateName !== '' ? generateName : undefined;
}

/** What a controller's pod name says about the workload. */
function fromControllerName(controller: string, pod: string): Owner | undefined {
  switch (controller) {
    case 'replicaset-controller': {
      const m = DEPLOYMENT_POD.exec(pod);
      if (m !== null) return { kind: 'Deployment', name: m[1]! };
      const r = RANDOM_SUFFIX.exec(pod);
      return r === null ? undefined : { kind: 'ReplicaSet', name: r[1]! };
    }
    case 'statefulset-controller': {
      const m = ORDINAL.exec(pod);
      return m === null ? undefined : { kind: 'StatefulSet', name: m[1]! };
    }
    case 'daemon-set-controller': {
      const m = RANDOM_SUFFIX.exec(pod);
      return m === null ? undefined : { kind: 'DaemonSet', name: m[1]! };
    }
    case 'job-controller': {
      const m = RANDOM_SUFFIX.exec(pod);
      return m === null ? undefined : jobOwner(m[1]!);
    }
    case 'replication-controller': {
      const m = RANDOM_SUFFIX.exec(pod);
      return m === null ? undefined : { kind: 'ReplicationController', name: m[1]! };
    }
    default:
      return undefined;
  }
}

/** The owner of a request on `resource` (with subresource) named `name`, sent by `user`. */
export function resolveOwner(resource: string, name: string, user: string, requestObject?: unknown): Owner {
  const slash = resource.indexOf('/');
  const base = slash < 0 ? resource : resource.slice(0, slash);
  if (base !== 'pods') return { kind: RESOURCE_KINDS[base] ?? base, name };
  const fromRefs = fromOwnerReferences(requestObject);
  if (fromRefs !== undefined) return fromRefs;
  const generated = fromGenerateName(requestObject);
  const podName = name !== '' ? name : generated === undefined ? '' : `${generated}xxxxx`;
  const controller = CONTROLLER_USER.exec(user)?.[1];
  if (controller !== undefined && slash < 0) {
    const owner = fromControllerName(controller, podName);
    if (owner !== undefined) return owner;
  }
  const deployment = DEPLOYMENT_POD.exec(podName);
  if (deployment !== null && slash < 0) return { kind: 'Deployment', name: deployment[1]! };
  if (name === '' && generated !== undefined) return { kind: 'Pod', name: trimGenerateName(generated) };
  if (name === '') {
    // kube-apiserver logs no name for a create by generateName (the name is generated after the event's object
    // reference is taken), so at level Metadata only the sending controller says what the pod belongs to.
    const kind = controller === undefined ? undefined : CONTROLLER_KINDS[controller];
    return { kind: kind ?? 'Pod', name: UNNAMED };
  }
  return { kind: 'Pod', name };
}
