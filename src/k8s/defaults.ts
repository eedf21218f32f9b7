/**
 * The API-server defaults that change a Pod Security verdict, as an explicit step.
 *
 * Admission sees objects after the API server has defaulted them; manifests on disk (CLI, fixtures) have not been.
 * Callers that evaluate raw manifests decode them first and then apply these defaults to the DECODED shape (not to the
 * raw object): decode -> {@link applyApiServerDefaults} -> evaluate. Objects that came through the API server (the
 * webhook) are already defaulted; applying the defaults again changes nothing.
 *
 * Two defaults matter:
 * - a volume with no source set gets `emptyDir: {}` (spec §8.4). This holds for every pod spec, Pods and templates;
 * - on a Pod with `hostNetwork: true`, each container port whose `hostPort` is unset or 0 gets its `containerPort`
 *   (spec §3.5). The API server applies this to Pods only (templates get it only behind the
 *   `DefaultHostNetworkHostPortsInPodTemplates` feature gate, off by default since Kubernetes 1.28), and only to
 *   `containers` and `initContainers`: ephemeral containers are not defaulted (and may not declare ports at all).
 *
 * The functions never mutate their input; parts that need no change are shared with it, and an object that needs no
 * defaulting is returned as is.
 */
import type { Container, ContainerPort, PodShape, PodSpec, Volume } from './pod.ts';
import { VOLUME_SOURCE_KEYS } from './decode-pod.ts';
import type { DecodedWorkload } from './workloads.ts';

/** What a pod spec belongs to: a Pod, or the pod template of a workload (or a PodTemplate). */
export const DefaultTargets = { pod: 'pod', template: 'template' } as const;
export type DefaultTarget = (typeof DefaultTargets)[keyof typeof DefaultTargets];

const EMPTY_DIR: object = Object.freeze({});

/** Applies the defaults to a decoded pod or template; see the module comment for which ones. */
export function applyApiServerDefaults(shape: PodShape, target: DefaultTarget): PodShape {
  const spec = applyPodSpecDefaults(shape.spec, target);
  return spec === shape.spec ? shape : { metadata: shape.metadata, spec };
}

/** Applies the defaults to a decoded pod spec. */
export function applyPodSpecDefaults(spec: PodSpec, target: DefaultTarget): PodSpec {
  let out: { -readonly [K in keyof PodSpec]: PodSpec[K] } | undefined;
  const volumes = defaultVolumes(spec.volumes);
  if (volumes !== spec.volumes && volumes !== undefined) (out ??= { ...spec }).volumes = volumes;
  if (target === DefaultTargets.pod && spec.hostNetwork === true) {
    const containers = defaultHostPorts(spec.containers);
    if (containers !== spec.containers && containers !== undefined) (out ??= { ...spec }).containers = containers;
    const init = defaultHostPorts(spec.initContainers);
    if (init !== spec.initContainers && init !== undefined) (out ??= { ...spec }).initContainers = init;
  }
  return out ?? spec;
}

/**
 * Applies the defaults to a decoded workload: a Pod is defaulted as a Pod, every other template as a template. A
 * workload without a template, or an object that is not pod-bearing, is returned as is.
 */
export function applyWorkloadDefaults<T extends DecodedWorkload>(workload: T): T {
  if (!workload.podBearing || workload.template === null) return workload;
  const target = workload.templatePath === '' ? DefaultTargets.pod : DefaultTargets.template;
  const template = applyApiServerDefaults(workload.template, target);
  return template === workload.template ? workload : { ...workload, template };
}

/** True when a volume sets none of the core/v1 volume sources. */
export function hasNoVolumeSource(volume: Volume): boolean {
  for (let i = 0; i < VOLUME_SOURCE_KEYS.length; i++) {
    const source = volume[VOLUME_SOURCE_KEYS[i]!];
    if (source !== undefined && source !== null) return false;
  }
  return true;
}

function defaultVolumes(volumes: readonly Volume[] | undefined): readonly Volume[] | undefined {
  if (volumes === undefined) return undefined;
  let out: Volume[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i]!;
    if (hasNoVolumeSource(volume)) (out ??= volumes.slice())[i] = { ...volume, emptyDir: EMPTY_DIR };
  }
  return out ?? volumes;
}

function defaultHostPorts(containers: readonly Container[] | undefined): readonly Container[] | undefined {
  if (containers === undefined) return undefined;
  let out: Container[] | undefined;
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i]!;
    const ports = container.ports;
    if (ports === undefined) continue;
    let newPorts: ContainerPort[] | undefined;
    for (let j = 0; j < ports.length; j++) {
      const port = ports[j]!;
      const hostPort = port.hostPort ?? 0;
      const containerPort = port.containerPort ?? 0;
      if (hostPort === 0 && containerPort !== 0) (newPorts ??= ports.slice())[j] = { ...port, hostPort: containerPort };
    }
    if (newPorts !== undefined) (out ??= containers.slice())[i] = { ...container, ports: newPorts };
  }
  return out ?? containers;
}
