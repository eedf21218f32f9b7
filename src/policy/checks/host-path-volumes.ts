/**
 * hostPathVolumes (baseline, since v1.0): no volume may mount a path from the node. One variant; at restricted it is
 * always replaced by restrictedVolumes, which forbids hostPath among others.
 */
import type { ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { joinQuote, pluralize } from '../format.ts';
import type { Check, CheckResult } from '../types.ts';

function evaluate(_metadata: ObjectMeta, spec: PodSpec): CheckResult {
  const volumes = spec.volumes;
  if (volumes == null) return ALLOWED;
  let names: string[] | undefined;
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i]!;
    if (volume.hostPath != null) (names ??= []).push(volume.name ?? '');
  }
  if (names === undefined) return ALLOWED;
  return forbidden('hostPath volumes', `${pluralize(names.length, 'volume', 'volumes')} ${joinQuote(names)}`);
}

export const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minimumVersion: majorMinor(0), evaluate }],
  description: {
    summary: 'Volumes must not use hostPath.',
    fields: ['spec.volumes[*].hostPath'],
  },
};
