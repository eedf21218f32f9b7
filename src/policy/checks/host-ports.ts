/**
 * hostPorts (baseline, since v1.0): containers must not bind ports on the node (any non-zero hostPort). One variant.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, containersPhrase, forEachContainer, pluralize, sortStrings } from '../format.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function usesHostPort(container: Container): boolean {
  const ports = container.ports;
  if (ports == null) return false;
  for (let i = 0; i < ports.length; i++) {
    const hostPort = ports[i]!.hostPort;
    if (hostPort != null && hostPort !== 0) return true;
  }
  return false;
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  if ((flags & ContainerFlag.hostPort) === 0) return ALLOWED;
  const names: string[] = [];
  const ports = new Set<string>();
  forEachContainer(spec, (c) => {
    if (!usesHostPort(c)) return;
    names.push(containerName(c));
    for (const port of c.ports ?? []) {
      if (port.hostPort != null && port.hostPort !== 0) ports.add(String(port.hostPort));
    }
  });
  // Ports are sorted as strings, as upstream does: 10443 before 8080.
  const sorted = sortStrings(ports);
  return forbidden(
    'hostPort',
    `${containersPhrase(names)} ${pluralize(names.length, 'uses', 'use')} ${pluralize(sorted.length, 'hostPort', 'hostPorts')} ${sorted.join(', ')}`,
  );
}

export const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(0), evaluate }],
  description: {
    summary: 'Containers must not use host ports.',
    fields: [containerField('ports[*].hostPort')],
  },
};
