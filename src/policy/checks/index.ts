/** The built-in checks: all 19 Pod Security Standards controls of upstream's newest policy (v1.37). */
import type { Check } from '../types.ts';
import { allowPrivilegeEscalation } from './allow-privilege-escalation.ts';
import { appArmorProfile } from './app-armor-profile.ts';
import { capabilitiesBaseline } from './capabilities-baseline.ts';
import { capabilitiesRestricted } from './capabilities-restricted.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hostPathVolumes } from './host-path-volumes.ts';
import { hostPorts } from './host-ports.ts';
import { hostProbesAndHostLifecycle } from './host-probes-and-host-lifecycle.ts';
import { privileged } from './privileged.ts';
import { procMountRestricted } from './proc-mount-restricted.ts';
import { procMount } from './proc-mount.ts';
import { restrictedVolumes } from './restricted-volumes.ts';
import { runAsNonRoot } from './run-as-non-root.ts';
import { runAsUser } from './run-as-user.ts';
import { seLinuxOptions } from './se-linux-options.ts';
import { seccompProfileBaseline } from './seccomp-profile-baseline.ts';
import { seccompProfileRestricted } from './seccomp-profile-restricted.ts';
import { sysctls } from './sysctls.ts';
import { windowsHostProcess } from './windows-host-process.ts';

export {
  allowPrivilegeEscalation,
  appArmorProfile,
  capabilitiesBaseline,
  capabilitiesRestricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seLinuxOptions,
  seccompProfileBaseline,
  seccompProfileRestricted,
  sysctls,
  windowsHostProcess,
};

/** The 19 built-in checks (12 baseline, 7 restricted). Order here is irrelevant: the evaluator sorts by ID. */
export const defaultChecks: readonly Check[] = Object.freeze([
  appArmorProfile,
  capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  seLinuxOptions,
  seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
]);
