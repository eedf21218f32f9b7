/**
 * seLinuxOptions (baseline): SELinux options may not set a custom user or role, and the type must be one of the
 * container types. v1.0: `container_t`, `container_init_t`, `container_kvm_t` (or empty). v1.31: adds
 * `container_engine_t`. `level` is never restricted.
 */
import type { Container, ObjectMeta, PodSpec, SELinuxOptions } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import { containerName, forEachContainer, joinQuote, pluralize, setterPhrase, sortStrings } from '../format.ts';
import { ContainerFlag, scanContainers } from '../container-flags.ts';
import type { Check, CheckFn, CheckResult } from '../types.ts';
import { containerField } from './fields.ts';

const TYPES_V1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** SELinux types baseline allows from v1.31 (a superset of the v1.0 list). */
export const SELINUX_ALLOWED_TYPES: ReadonlySet<string> = new Set([...TYPES_V1_0, 'container_engine_t']);

function isBad(options: SELinuxOptions | undefined, allowedTypes: ReadonlySet<string>): boolean {
  if (options == null) return false;
  return !allowedTypes.has(options.type ?? '') || (options.user ?? '') !== '' || (options.role ?? '') !== '';
}

function createEvaluate(allowedTypes: ReadonlySet<string>): CheckFn {
  const containerIsBad = (c: Container): boolean => isBad(c.securityContext?.seLinuxOptions, allowedTypes);
  const someBad = (list: readonly Container[] | undefined): boolean => {
    if (list == null) return false;
    for (let i = 0; i < list.length; i++) if (containerIsBad(list[i]!)) return true;
    return false;
  };
  return (_metadata: ObjectMeta, spec: PodSpec, flags = scanContainers(spec)): CheckResult => {
    const podBad = isBad(spec.securityContext?.seLinuxOptions, allowedTypes);
    // The flag is a superset (bad under the v1.0 types): when it is set, test the containers exactly.
    if (!podBad && (flags & ContainerFlag.seLinuxOptionsMaybeBad) === 0) return ALLOWED;
    if (!podBad && !someBad(spec.initContainers) && !someBad(spec.containers) && !someBad(spec.ephemeralContainers)) {
      return ALLOWED;
    }
    const types = new Set<string>();
    let user = false;
    let role = false;
    const note = (options: SELinuxOptions): void => {
      const type = options.type ?? '';
      if (!allowedTypes.has(type)) types.add(type);
      if ((options.user ?? '') !== '') user = true;
      if ((options.role ?? '') !== '') role = true;
    };
    const podOptions = spec.securityContext?.seLinuxOptions;
    if (podBad && podOptions != null) note(podOptions);
    const names: string[] = [];
    forEachContainer(spec, (c) => {
      const options = c.securityContext?.seLinuxOptions;
      if (options == null || !isBad(options, allowedTypes)) return;
      names.push(containerName(c));
      note(options);
    });
    const parts: string[] = [];
    if (types.size > 0) parts.push(`${pluralize(types.size, 'type', 'types')} ${joinQuote(sortStrings(types))}`);
    if (user) parts.push('user may not be set');
    if (role) parts.push('role may not be set');
    return forbidden(
      'seLinuxOptions',
      `${setterPhrase(podBad, names)} set forbidden securityContext.seLinuxOptions: ${parts.join('; ')}`,
    );
  };
}

export const seLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(0), evaluate: createEvaluate(TYPES_V1_0) },
    { minimumVersion: majorMinor(31), evaluate: createEvaluate(SELINUX_ALLOWED_TYPES) },
  ],
  description: {
    summary: 'SELinux options must not set user or role, and type must be a container type.',
    fields: [
      'spec.securityContext.seLinuxOptions.{type,user,role}',
      containerField('securityContext.seLinuxOptions.{type,user,role}'),
    ],
  },
};
