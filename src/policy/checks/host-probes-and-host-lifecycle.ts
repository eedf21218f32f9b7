/**
 * hostProbesAndHostLifecycle (baseline, since v1.34): probes and lifecycle hooks must not direct the kubelet at an
 * arbitrary host (`httpGet.host` / `tcpSocket.host` must be empty), which would let a pod make the node reach
 * addresses on its behalf. One variant; absent below v1.34.
 */
import type { Container, HostHandler, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, forEachContainer, joinQuote, pluralize, sortStrings } from '../format.ts';
import { ContainerFlag, scanContainers, setsHost } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function containerSetsHost(container: Container): boolean {
  return (
    setsHost(container.livenessProbe) ||
    setsHost(container.readinessProbe) ||
    setsHost(container.startupProbe) ||
    setsHost(container.lifecycle?.postStart) ||
    setsHost(container.lifecycle?.preStop)
  );
}

function collectHosts(handler: HostHandler | undefined, hosts: Set<string>): void {
  if (handler == null) return;
  const httpHost = handler.httpGet?.host;
  if (httpHost != null && httpHost !== '') hosts.add(httpHost);
  const tcpHost = handler.tcpSocket?.host;
  if (tcpHost != null && tcpHost !== '') hosts.add(tcpHost);
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  if ((flags & ContainerFlag.probeOrLifecycleHost) === 0) return ALLOWED;
  const names = new Set<string>();
  const hosts = new Set<string>();
  forEachContainer(spec, (c) => {
    if (!containerSetsHost(c)) return;
    names.add(containerName(c));
    collectHosts(c.livenessProbe, hosts);
    collectHosts(c.readinessProbe, hosts);
    collectHosts(c.startupProbe, hosts);
    collectHosts(c.lifecycle?.postStart, hosts);
    collectHosts(c.lifecycle?.preStop, hosts);
  });
  // Unlike every other container check, names here are de-duplicated and sorted.
  const sortedNames = sortStrings(names);
  return forbidden(
    'probe or lifecycle host',
    `${pluralize(sortedNames.length, 'container', 'containers')} ${joinQuote(sortedNames)} ${pluralize(sortedNames.length, 'uses', 'use')} ${pluralize(hosts.size, 'probe or lifecycle host', 'probe or lifecycle hosts')} ${joinQuote(sortStrings(hosts))}`,
  );
}

export const hostProbesAndHostLifecycle: Check = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(34), evaluate }],
  description: {
    summary: 'Probes and lifecycle hooks must not set a host (httpGet.host, tcpSocket.host).',
    fields: [
      containerField('{livenessProbe,readinessProbe,startupProbe}.{httpGet,tcpSocket}.host'),
      containerField('lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host'),
    ],
  },
};
