/**
 * sysctls (baseline): the pod may only set namespaced sysctls known to be safe (exact names, no prefix matching).
 * The allowed set grows: v1.0 five names; v1.27 + ip_local_reserved_ports; v1.29 + four tcp keepalive/fin settings;
 * v1.32 + tcp_rmem and tcp_wmem; v1.37 + tcp_slow_start_after_idle and tcp_notsent_lowat.
 */
import type { ObjectMeta, PodSpec } from '../../k8s/pod.ts';
import { majorMinor } from '../../api/version.ts';
import { ALLOWED, forbidden } from '../check-result.ts';
import type { Check, CheckFn, CheckResult } from '../types.ts';

const V1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const V1_27 = [...V1_0, 'net.ipv4.ip_local_reserved_ports'];
const V1_29 = [
  ...V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const V1_32 = [...V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const V1_37 = [...V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function createEvaluate(allowedNames: readonly string[]): CheckFn {
  const allowed: ReadonlySet<string> = new Set(allowedNames);
  return (_metadata: ObjectMeta, spec: PodSpec): CheckResult => {
    const sysctls = spec.securityContext?.sysctls;
    if (sysctls == null) return ALLOWED;
    let bad: string[] | undefined;
    for (let i = 0; i < sysctls.length; i++) {
      const name = sysctls[i]!.name ?? '';
      // Spec order, duplicates kept, unquoted: exactly as upstream lists them.
      if (!allowed.has(name)) (bad ??= []).push(name);
    }
    return bad === undefined ? ALLOWED : forbidden('forbidden sysctls', bad.join(', '));
  };
}

export const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumVersion: majorMinor(0), evaluate: createEvaluate(V1_0) },
    { minimumVersion: majorMinor(27), evaluate: createEvaluate(V1_27) },
    { minimumVersion: majorMinor(29), evaluate: createEvaluate(V1_29) },
    { minimumVersion: majorMinor(32), evaluate: createEvaluate(V1_32) },
    { minimumVersion: majorMinor(37), evaluate: createEvaluate(V1_37) },
  ],
  description: {
    summary: 'The pod may only set sysctls from the safe, namespaced list.',
    fields: ['spec.securityContext.sysctls[*].name'],
  },
};
