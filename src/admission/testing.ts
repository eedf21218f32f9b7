/**
 * Test helpers for admission: in-memory namespace lookup and pod lister, request builders, and a harness that wires
 * them to `createAdmission` with a counting metrics recorder. Used by the unit tests and benchmarks; not exported from
 * the package root.
 */
import { LATEST, majorMinor, parseLevel, parseVersion } from '../api/index.ts';
import type { LevelVersion } from '../api/index.ts';
import { toRawJson } from '../k8s/admission-review.ts';
import type { AdmissionRequest } from '../k8s/admission-review.ts';
import type { Namespace } from '../k8s/namespace.ts';
import type { ObjectMeta, PodSpec } from '../k8s/pod.ts';
import { createAdmission } from './create.ts';
import type { Admission, CreateAdmissionOptions } from './create.ts';
import { CountingMetrics } from './metrics.ts';
import type { AdmissionSettings, ListedPod, Policy } from './types.ts';

export const PRIVILEGED: LevelVersion = Object.freeze({ level: 'privileged', version: LATEST });

/** `level[:version]` -> LevelVersion (test shorthand; throws on bad input). */
export function lv(text: string): LevelVersion {
  const [levelText, versionText = 'latest'] = text.split(':');
  const level = parseLevel(levelText ?? '');
  const version = parseVersion(versionText);
  if (!level.ok || !version.ok) throw new Error(`bad level:version ${text}`);
  return { level: level.value, version: version.value };
}

export function settings(
  defaults: Partial<Record<keyof Policy, string>> = {},
  exemptions: Partial<AdmissionSettings['exemptions']> = {},
): AdmissionSettings {
  return {
    defaults: {
      enforce: defaults.enforce === undefined ? PRIVILEGED : lv(defaults.enforce),
      audit: defaults.audit === undefined ? PRIVILEGED : lv(defaults.audit),
      warn: defaults.warn === undefined ? PRIVILEGED : lv(defaults.warn),
    },
    exemptions: { usernames: [], namespaces: [], runtimeClasses: [], ...exemptions },
  };
}

export interface Harness {
  readonly admission: Admission;
  readonly metrics: CountingMetrics;
  /** How many times the pod lister was called. */
  listCalls(): number;
  /** The deadline the pod lister was last given. */
  lastListDeadline(): number | undefined;
}

export interface HarnessOptions extends Partial<Omit<CreateAdmissionOptions, 'namespaces' | 'pods' | 'metrics'>> {
  /** Namespace name -> labels. */
  readonly namespaces?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly lookupError?: string;
  readonly pods?: readonly ListedPod[];
  readonly listError?: string;
}

export function harness(options: HarnessOptions = {}): Harness {
  const metrics = new CountingMetrics(options.serverVersion ?? majorMinor(37));
  let calls = 0;
  let lastDeadline: number | undefined;
  const admission = createAdmission({
    ...options,
    settings: options.settings ?? settings(),
    metrics,
    namespaces: {
      getNamespace(name) {
        if (options.lookupError !== undefined) return Promise.reject(new Error(options.lookupError));
        const labels = options.namespaces?.[name];
        if (labels === undefined) return Promise.reject(new Error(`namespaces "${name}" not found`));
        const ns: Namespace = { metadata: { name, labels } };
        return Promise.resolve(ns);
      },
    },
    pods: {
      listPods(_namespace, _signal, deadline) {
        calls++;
        lastDeadline = deadline;
        if (options.listError !== undefined) return Promise.reject(new Error(options.listError));
        return Promise.resolve(options.pods ?? []);
      },
    },
  });
  return { admission, metrics, listCalls: () => calls, lastListDeadline: () => lastDeadline };
}

export interface RequestOptions {
  readonly operation?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly username?: string;
  readonly object?: unknown;
  readonly oldObject?: unknown;
}

const CONTROLLER_KINDS: Readonly<Record<string, readonly [string, string]>> = {
  deployments: ['apps', 'Deployment'],
  replicasets: ['apps', 'ReplicaSet'],
  statefulsets: ['apps', 'StatefulSet'],
  daemonsets: ['apps', 'DaemonSet'],
  jobs: ['batch', 'Job'],
  cronjobs: ['batch', 'CronJob'],
  replicationcontrollers: ['', 'ReplicationController'],
  podtemplates: ['', 'PodTemplate'],
  configmaps: ['', 'ConfigMap'],
  pods: ['', 'Pod'],
  namespaces: ['', 'Namespace'],
};

/** An AdmissionRequest for `resource` (a core/apps/batch plural, or `group/resource` for anything else). */
export function request(resource: string, options: RequestOptions = {}): AdmissionRequest {
  const known = CONTROLLER_KINDS[resource];
  const [group, kind] = known ?? [resource.split('/')[0] ?? '', 'Foo'];
  const plural = known === undefined ? (resource.split('/')[1] ?? resource) : resource;
  const namespace = options.namespace ?? 'test';
  return {
    uid: 'uid-1',
    kind: { group, version: 'v1', kind },
    resource: { group, version: 'v1', resource: plural },
    ...(options.subresource === undefined
      ? {}
      : { subResource: options.subresource, requestSubResource: options.subresource }),
    ...(options.name === '' ? {} : { name: options.name ?? 'p' }),
    namespace,
    operation: options.operation ?? 'CREATE',
    userInfo: options.username === undefined ? {} : { username: options.username },
    ...(options.object === undefined ? {} : { object: toRawJson(options.object) }),
    ...(options.oldObject === undefined ? {} : { oldObject: toRawJson(options.oldObject) }),
  };
}

/** A pod running one container (`nginx`) with the given pod/container fields. */
export function podObject(spec: Record<string, unknown> = {}, name = 'nginx-pod'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'nginx', image: 'nginx' }], ...spec },
  };
}

/** A pod that passes restricted:latest. */
export function restrictedPodObject(name = 'ok-pod'): Record<string, unknown> {
  return podObject(
    {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'nginx',
          image: 'nginx',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
    name,
  );
}

export function namespaceObject(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** An existing pod for namespace evaluation. */
export function listedPod(name: string, spec: PodSpec, metadata: Omit<ObjectMeta, 'name'> = {}): ListedPod {
  return { metadata: { name, ...metadata }, spec };
}

/** Wraps a pod template in a controller object of `kind`. */
export function controllerObject(resource: string, template: Record<string, unknown> | null): Record<string, unknown> {
  const [group, kind] = CONTROLLER_KINDS[resource] ?? ['example.com', 'Foo'];
  const apiVersion = group === '' ? 'v1' : `${group}/v1`;
  const t = template === null ? undefined : { metadata: template['metadata'], spec: template['spec'] };
  const base = { apiVersion, kind, metadata: { name: 'ctrl' } };
  if (kind === 'PodTemplate') return { ...base, template: t };
  if (kind === 'CronJob') return { ...base, spec: { jobTemplate: { spec: { template: t } } } };
  if (kind === 'ConfigMap') return { ...base, data: {} };
  return { ...base, spec: t === undefined ? {} : { template: t } };
}
