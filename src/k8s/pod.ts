/**
 * The minimal, readonly shape of a Pod that Pod Security reads. Produced by the decoders in this folder from
 * untrusted input: JSON `null` is already turned into "absent" (undefined), and every present field has its declared
 * type, so the engine never re-validates.
 */

export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

export interface SELinuxOptions {
  readonly user?: string;
  readonly role?: string;
  readonly type?: string;
  readonly level?: string;
}

export interface ProfileRef {
  readonly type?: string;
  readonly localhostProfile?: string;
}

export interface WindowsOptions {
  readonly hostProcess?: boolean;
  readonly runAsUserName?: string;
}

export interface Sysctl {
  readonly name?: string;
  readonly value?: string;
}

export interface PodSecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly fsGroup?: number;
  readonly seLinuxOptions?: SELinuxOptions;
  readonly seccompProfile?: ProfileRef;
  readonly appArmorProfile?: ProfileRef;
  readonly sysctls?: readonly Sysctl[];
  readonly windowsOptions?: WindowsOptions;
}

export interface Capabilities {
  readonly add?: readonly string[];
  readonly drop?: readonly string[];
}

export interface SecurityContext {
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: Capabilities;
  readonly procMount?: string;
  readonly readOnlyRootFilesystem?: boolean;
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly seLinuxOptions?: SELinuxOptions;
  readonly seccompProfile?: ProfileRef;
  readonly appArmorProfile?: ProfileRef;
  readonly windowsOptions?: WindowsOptions;
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort?: number;
  readonly hostPort?: number;
  readonly protocol?: string;
}

/** The part of a probe or lifecycle handler that can name a host. */
export interface HostHandler {
  readonly httpGet?: { readonly host?: string; readonly port?: number | string; readonly path?: string };
  readonly tcpSocket?: { readonly host?: string; readonly port?: number | string };
}

export interface Lifecycle {
  readonly postStart?: HostHandler;
  readonly preStop?: HostHandler;
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly ports?: readonly ContainerPort[];
  readonly securityContext?: SecurityContext;
  readonly livenessProbe?: HostHandler;
  readonly readinessProbe?: HostHandler;
  readonly startupProbe?: HostHandler;
  readonly lifecycle?: Lifecycle;
}

/**
 * A volume: its name plus which source keys are set. Only presence matters to Pod Security, so each source is kept as
 * an opaque object (or `true` for sources whose content no check reads).
 */
export interface Volume {
  readonly name?: string;
  readonly hostPath?: object;
  readonly [source: string]: unknown;
}

export interface PodSpec {
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly hostUsers?: boolean;
  readonly os?: { readonly name?: string };
  readonly runtimeClassName?: string;
  readonly securityContext?: PodSecurityContext;
  readonly volumes?: readonly Volume[];
  readonly initContainers?: readonly Container[];
  readonly containers?: readonly Container[];
  readonly ephemeralContainers?: readonly Container[];
}

/** Pod metadata plus spec: what every check receives (for workloads, the pod template's). */
export interface PodShape {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}
