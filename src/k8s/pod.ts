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
  readonly user?: string | undefined;
  readonly role?: string | undefined;
  readonly type?: string | undefined;
  readonly level?: string | undefined;
}

export interface ProfileRef {
  readonly type?: string | undefined;
  readonly localhostProfile?: string | undefined;
}

export interface WindowsOptions {
  readonly hostProcess?: boolean | undefined;
  readonly runAsUserName?: string | undefined;
}

export interface Sysctl {
  readonly name?: string | undefined;
  readonly value?: string | undefined;
}

export interface PodSecurityContext {
  readonly runAsNonRoot?: boolean | undefined;
  readonly runAsUser?: number | undefined;
  readonly runAsGroup?: number | undefined;
  readonly fsGroup?: number | undefined;
  readonly seLinuxOptions?: SELinuxOptions | undefined;
  readonly seccompProfile?: ProfileRef | undefined;
  readonly appArmorProfile?: ProfileRef | undefined;
  readonly sysctls?: readonly Sysctl[] | undefined;
  readonly windowsOptions?: WindowsOptions | undefined;
}

export interface Capabilities {
  readonly add?: readonly string[] | undefined;
  readonly drop?: readonly string[] | undefined;
}

export interface SecurityContext {
  readonly privileged?: boolean | undefined;
  readonly allowPrivilegeEscalation?: boolean | undefined;
  readonly capabilities?: Capabilities | undefined;
  readonly procMount?: string | undefined;
  readonly readOnlyRootFilesystem?: boolean | undefined;
  readonly runAsNonRoot?: boolean | undefined;
  readonly runAsUser?: number | undefined;
  readonly runAsGroup?: number | undefined;
  readonly seLinuxOptions?: SELinuxOptions | undefined;
  readonly seccompProfile?: ProfileRef | undefined;
  readonly appArmorProfile?: ProfileRef | undefined;
  readonly windowsOptions?: WindowsOptions | undefined;
}

export interface ContainerPort {
  readonly name?: string | undefined;
  readonly containerPort?: number | undefined;
  readonly hostPort?: number | undefined;
  readonly protocol?: string | undefined;
}

/**
 * The part of a probe or lifecycle handler that can name a host. The decoder gives a handler that names no host as
 * one shared, frozen handler with neither field set.
 */
export interface HostHandler {
  readonly httpGet?:
    { readonly host?: string | undefined; readonly port?: number | string; readonly path?: string } | undefined;
  readonly tcpSocket?: { readonly host?: string | undefined; readonly port?: number | string } | undefined;
}

export interface Lifecycle {
  readonly postStart?: HostHandler | undefined;
  readonly preStop?: HostHandler | undefined;
}

export interface Container {
  readonly name?: string | undefined;
  readonly image?: string | undefined;
  readonly ports?: readonly ContainerPort[] | undefined;
  readonly securityContext?: SecurityContext | undefined;
  readonly livenessProbe?: HostHandler | undefined;
  readonly readinessProbe?: HostHandler | undefined;
  readonly startupProbe?: HostHandler | undefined;
  readonly lifecycle?: Lifecycle | undefined;
}

/**
 * A volume: its name plus which source keys are set. Only presence matters to Pod Security, so each source is kept as
 * an opaque object (or `true` for sources whose content no check reads).
 */
export interface Volume {
  readonly name?: string | undefined;
  readonly hostPath?: object | undefined;
  readonly [source: string]: unknown;
}

export interface PodSpec {
  readonly hostNetwork?: boolean | undefined;
  readonly hostPID?: boolean | undefined;
  readonly hostIPC?: boolean | undefined;
  readonly hostUsers?: boolean | undefined;
  readonly os?: { readonly name?: string | undefined } | undefined;
  readonly runtimeClassName?: string | undefined;
  readonly securityContext?: PodSecurityContext | undefined;
  readonly volumes?: readonly Volume[] | undefined;
  readonly initContainers?: readonly Container[] | undefined;
  readonly containers?: readonly Container[] | undefined;
  readonly ephemeralContainers?: readonly Container[] | undefined;
}

/** Pod metadata plus spec: what every check receives (for workloads, the pod template's). */
export interface PodShape {
  readonly metadata: ObjectMeta;
  readonly spec: PodSpec;
}
