/**
 * One pass over a pod's containers that records, as bits, which container-level conditions any container meets
 * (spec §0.5 visit order does not matter here: the bits are OR-ed). The evaluator computes this once per evaluation
 * and hands it to every check, so a check whose bits are clear allows the pod without visiting a container: the
 * per-container cost of an evaluation is this one visit, whatever the number of checks.
 *
 * Each bit is the exact per-container predicate of the check that reads it (the check then only walks the containers
 * to describe a violation), except {@link ContainerFlag.seLinuxOptionsMaybeBad}, which is a superset (bad under the
 * v1.0 type list, which is smaller than every later one): the seLinuxOptions check re-tests when it is set.
 *
 * A baseline evaluation needs only the bits baseline checks read, so {@link scanContainersForBaseline} skips the
 * fields only restricted checks read (allowPrivilegeEscalation, capabilities.drop, runAsNonRoot, runAsUser) and leaves
 * the {@link RESTRICTED_ONLY_FLAGS} clear.
 *
 * Costs measured with `perf` on the 50-container benchmark pod (docs/perf/engine.md): the scan is nearly all of an
 * evaluation's time, and it is bound by loads, one or two per field; the string comparisons below are pointer
 * comparisons because the decoder interns the values they test (k8s/canonical-values.ts).
 */
import type { Capabilities, Container, ContainerPort, HostHandler, PodSpec, SELinuxOptions } from '../k8s/pod.ts';

/** The capabilities baseline lets a container add (upstream's default container-runtime set). */
export const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export const ContainerFlag = {
  /** `securityContext.privileged` is true. */
  privileged: 1 << 0,
  /** `capabilities.add` holds a capability outside the baseline set. */
  addsNonBaselineCapability: 1 << 1,
  /** `capabilities` is unset, `drop` lacks `ALL`, or `add` holds anything but `NET_BIND_SERVICE`. */
  unrestrictedCapabilities: 1 << 2,
  /** Some port sets a non-zero `hostPort`. */
  hostPort: 1 << 3,
  /** `securityContext.procMount` is set and not `Default`. */
  nonDefaultProcMount: 1 << 4,
  /** `seLinuxOptions` is set with a user, a role, or a type outside the v1.0 list (a superset; see above). */
  seLinuxOptionsMaybeBad: 1 << 5,
  /** `seccompProfile` is set with a type other than `RuntimeDefault` or `Localhost`. */
  badSeccompProfile: 1 << 6,
  /** `seccompProfile` is unset. */
  unsetSeccompProfile: 1 << 7,
  /** `appArmorProfile` is set with a type other than `RuntimeDefault` or `Localhost`. */
  badAppArmorProfile: 1 << 8,
  /** `runAsNonRoot` is explicitly false. */
  runAsNonRootFalse: 1 << 9,
  /** `runAsNonRoot` is not true (unset or false). */
  runAsNonRootNotTrue: 1 << 10,
  /** `runAsUser` is 0. */
  runAsUserZero: 1 << 11,
  /** `allowPrivilegeEscalation` is not explicitly false. */
  mayEscalatePrivileges: 1 << 12,
  /** `windowsOptions.hostProcess` is true. */
  hostProcess: 1 << 13,
  /** A probe or lifecycle handler sets `httpGet.host` or `tcpSocket.host`. */
  probeOrLifecycleHost: 1 << 14,
} as const;

/** The bits only restricted checks read: {@link scanContainersForBaseline} leaves them clear. */
export const RESTRICTED_ONLY_FLAGS =
  ContainerFlag.unrestrictedCapabilities |
  ContainerFlag.unsetSeccompProfile |
  ContainerFlag.runAsNonRootFalse |
  ContainerFlag.runAsNonRootNotTrue |
  ContainerFlag.runAsUserZero |
  ContainerFlag.mayEscalatePrivileges;

// A container without a securityContext fails these restricted conditions, and nothing else.
const NO_SECURITY_CONTEXT =
  ContainerFlag.unrestrictedCapabilities |
  ContainerFlag.unsetSeccompProfile |
  ContainerFlag.runAsNonRootNotTrue |
  ContainerFlag.mayEscalatePrivileges;

const V1_0_SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);

/** The OR of {@link containerFlags} over every container of the pod: init, regular and ephemeral. */
export function scanContainers(spec: PodSpec): number {
  return (
    scanList(spec.initContainers, true) | scanList(spec.containers, true) | scanList(spec.ephemeralContainers, true)
  );
}

/** {@link scanContainers} for a baseline evaluation: the same bits, but {@link RESTRICTED_ONLY_FLAGS} stay clear. */
export function scanContainersForBaseline(spec: PodSpec): number {
  return (
    scanList(spec.initContainers, false) | scanList(spec.containers, false) | scanList(spec.ephemeralContainers, false)
  );
}

function scanList(list: readonly Container[] | undefined, restricted: boolean): number {
  if (list == null) return 0;
  let flags = 0;
  // One function for the loop and the container: V8 does not inline a body this size into a loop's call site.
  for (let i = 0; i < list.length; i++) {
    const container = list[i]!;
    const sc = container.securityContext;
    if (sc == null) {
      if (restricted) flags |= NO_SECURITY_CONTEXT;
    } else {
      if (sc.privileged === true) flags |= ContainerFlag.privileged;
      if (restricted) {
        if (sc.allowPrivilegeEscalation !== false) flags |= ContainerFlag.mayEscalatePrivileges;
        flags |= capabilityFlags(sc.capabilities);
        const runAsNonRoot = sc.runAsNonRoot;
        if (runAsNonRoot !== true) {
          flags |= ContainerFlag.runAsNonRootNotTrue;
          if (runAsNonRoot === false) flags |= ContainerFlag.runAsNonRootFalse;
        }
        if (sc.runAsUser === 0) flags |= ContainerFlag.runAsUserZero;
      } else {
        const add = sc.capabilities?.add;
        if (add != null && addsNonBaselineCapability(add)) flags |= ContainerFlag.addsNonBaselineCapability;
      }
      const procMount = sc.procMount;
      if (procMount != null && procMount !== 'Default') flags |= ContainerFlag.nonDefaultProcMount;
      const seccomp = sc.seccompProfile;
      if (seccomp == null) {
        if (restricted) flags |= ContainerFlag.unsetSeccompProfile;
      } else if (seccomp.type !== 'RuntimeDefault' && seccomp.type !== 'Localhost') {
        flags |= ContainerFlag.badSeccompProfile;
      }
      const appArmor = sc.appArmorProfile;
      if (appArmor != null && appArmor.type !== 'RuntimeDefault' && appArmor.type !== 'Localhost') {
        flags |= ContainerFlag.badAppArmorProfile;
      }
      const seLinux = sc.seLinuxOptions;
      if (seLinux != null && isMaybeBadSeLinux(seLinux)) flags |= ContainerFlag.seLinuxOptionsMaybeBad;
      if (sc.windowsOptions?.hostProcess === true) flags |= ContainerFlag.hostProcess;
    }
    const ports = container.ports;
    if (ports != null && setsHostPort(ports)) flags |= ContainerFlag.hostPort;
    const lifecycle = container.lifecycle;
    if (
      setsHost(container.livenessProbe) ||
      setsHost(container.readinessProbe) ||
      setsHost(container.startupProbe) ||
      (lifecycle != null && (setsHost(lifecycle.postStart) || setsHost(lifecycle.preStop)))
    ) {
      flags |= ContainerFlag.probeOrLifecycleHost;
    }
  }
  return flags;
}

/**
 * The {@link ContainerFlag} bits one container sets; with `restricted` false, the {@link RESTRICTED_ONLY_FLAGS} are
 * neither computed nor set.
 */
export function containerFlags(container: Container, restricted = true): number {
  return scanList([container], restricted);
}

function capabilityFlags(capabilities: Capabilities | undefined): number {
  if (capabilities == null) return ContainerFlag.unrestrictedCapabilities;
  const drop = capabilities.drop;
  let flags = drop == null || !dropsAll(drop) ? ContainerFlag.unrestrictedCapabilities : 0;
  const add = capabilities.add;
  if (add != null) {
    for (let i = 0; i < add.length; i++) {
      const capability = add[i]!;
      if (capability === 'NET_BIND_SERVICE') continue;
      flags |= ContainerFlag.unrestrictedCapabilities;
      if (!BASELINE_ALLOWED_CAPABILITIES.has(capability)) return flags | ContainerFlag.addsNonBaselineCapability;
    }
  }
  return flags;
}

function addsNonBaselineCapability(add: readonly string[]): boolean {
  for (let i = 0; i < add.length; i++) {
    const capability = add[i]!;
    // NET_BIND_SERVICE first: the capability pods add most, and a pointer comparison (the decoder interns it) where
    // Set.has is a builtin call that hashes the string, about a fifth of a baseline scan's time when it was first.
    if (capability !== 'NET_BIND_SERVICE' && !BASELINE_ALLOWED_CAPABILITIES.has(capability)) return true;
  }
  return false;
}

// A plain loop: V8 inlines it, where Array.prototype.includes stays a builtin call.
function dropsAll(drop: readonly string[]): boolean {
  for (let i = 0; i < drop.length; i++) if (drop[i] === 'ALL') return true;
  return false;
}

function setsHostPort(ports: readonly ContainerPort[]): boolean {
  for (let i = 0; i < ports.length; i++) {
    const hostPort = ports[i]!.hostPort;
    if (hostPort != null && hostPort !== 0) return true;
  }
  return false;
}

function isMaybeBadSeLinux(seLinux: SELinuxOptions): boolean {
  return !V1_0_SELINUX_TYPES.has(seLinux.type ?? '') || (seLinux.user ?? '') !== '' || (seLinux.role ?? '') !== '';
}

/** Whether a probe or lifecycle handler directs the kubelet at a host. */
export function setsHost(handler: HostHandler | undefined): boolean {
  if (handler == null) return false;
  const httpHost = handler.httpGet?.host;
  if (httpHost != null && httpHost !== '') return true;
  const tcpHost = handler.tcpSocket?.host;
  return tcpHost != null && tcpHost !== '';
}
