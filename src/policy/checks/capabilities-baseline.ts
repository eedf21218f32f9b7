/**
 * capabilities_baseline (baseline, since v1.0): containers may only add capabilities from the Docker default set
 * (exact, case-sensitive names; `drop` is ignored). One variant; at restricted it is replaced from v1.22 on by
 * capabilities_restricted.
 */
import type { Container, ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { BASELINE_ALLOWED_CAPABILITIES, ContainerFlag, scanContainers } from '../container-flags.ts';
import { containerName, containersPhrase, forEachContainer, joinQuote, sortStrings } from '../format.ts';
import type { Check, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

export { BASELINE_ALLOWED_CAPABILITIES };

function addsForbidden(container: Container): boolean {
  const add = container.securityContext?.capabilities?.add;
  if (add == null) return false;
  for (let i = 0; i < add.length; i++) {
    if (!BASELINE_ALLOWED_CAPABILITIES.has(add[i]!)) return true;
  }
  return false;
}

function evaluate(_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult {
  if ((flags & ContainerFlag.addsNonBaselineCapability) === 0) return ALLOWED;
  const names: string[] = [];
  const capabilities = new Set<string>();
  forEachContainer(spec, (c) => {
    if (!addsForbidden(c)) return;
    names.push(containerName(c));
    for (const cap of c.securityContext?.capabilities?.add ?? []) {
      if (!BASELINE_ALLOWED_CAPABILITIES.has(cap)) capabilities.add(cap);
    }
  });
  return forbidden(
    'non-default capabilities',
    `${containersPhrase(names)} must not include ${joinQuote(sortStrings(capabilities))} in securityContext.capabilities.add`,
  );
}

export const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(0), evaluate }],
  description: {
    summary: 'Containers may only add capabilities from the default set (AUDIT_WRITE, CHOWN, ... SYS_CHROOT).',
    fields: [containerField('securityContext.capabilities.add')],
  },
};
