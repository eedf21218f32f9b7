/**
 * capabilities_restricted (restricted): every container must drop ALL capabilities and may add back only
 * NET_BIND_SERVICE. v1.22: every pod. v1.25: Windows pods are exempt. Replaces capabilities_baseline at restricted
 * while active.
 */
import type { ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, containersPhrase, forEachContainer, joinQuote, sortStrings } from '../format.ts';
import { isWindowsPod } from '../pod-predicates.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

function dropsAll(drop: readonly string[] | undefined): boolean {
  return drop != null && drop.includes('ALL');
}

function addsForbidden(add: readonly string[] | undefined): boolean {
  if (add == null) return false;
  for (let i = 0; i < add.length; i++) if (add[i] !== 'NET_BIND_SERVICE') return true;
  return false;
}

function evaluateV122(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  if ((flags & ContainerFlag.unrestrictedCapabilities) === 0) return ALLOWED;
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const added = new Set<string>();
  forEachContainer(spec, (c) => {
    const capabilities = c.securityContext?.capabilities;
    if (capabilities == null) {
      missingDrop.push(containerName(c));
      return;
    }
    if (!dropsAll(capabilities.drop)) missingDrop.push(containerName(c));
    if (addsForbidden(capabilities.add)) {
      adding.push(containerName(c));
      for (const cap of capabilities.add ?? []) if (cap !== 'NET_BIND_SERVICE') added.add(cap);
    }
  });
  const parts: string[] = [];
  if (missingDrop.length > 0) {
    parts.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (adding.length > 0) {
    parts.push(
      `${containersPhrase(adding)} must not include ${joinQuote(sortStrings(added))} in securityContext.capabilities.add`,
    );
  }
  return forbidden('unrestricted capabilities', parts.join('; '));
}

function evaluateV125(metadata: ObjectMeta, spec: PodSpec, flags?: number): CheckResult {
  if (isWindowsPod(spec)) return ALLOWED;
  return evaluateV122(metadata, spec, flags);
}

export const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: majorMinor(22), evaluate: evaluateV122, overrides: ['capabilities_baseline'] },
    { minimumVersion: majorMinor(25), evaluate: evaluateV125, overrides: ['capabilities_baseline'] },
  ],
  description: {
    summary:
      'Containers must drop ALL capabilities and may add only NET_BIND_SERVICE (Windows pods exempt from v1.25).',
    fields: [containerField('securityContext.capabilities.{add,drop}'), 'spec.os.name'],
  },
};
