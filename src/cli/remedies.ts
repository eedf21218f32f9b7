/**
 * Where each failed check looks, as field paths in the manifest, and what to change there. `psa explain` prints these;
 * `psa fix` applies the safe ones (edits) and lists the rest with the narrowest way to admit them.
 */
import type { Container, PodShape, PodSpec, SecurityContext, SELinuxOptions } from '../k8s/index.ts';
import { ALLOWED_VOLUME_SOURCES, BASELINE_ALLOWED_CAPABILITIES, SELINUX_ALLOWED_TYPES } from '../policy/index.ts';

/** One field to change for one failed check. */
export interface Remedy {
  readonly checkId: string;
  /** Dotted path from the object root, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  readonly path: string;
  /** What to do there, in words. */
  readonly change: string;
  /** A safe automatic edit, when there is one: set the value at `edit.path` (segments from the object root). */
  readonly edit?: Edit;
}

export type PathSegment = string | number;

export type Edit =
  | { readonly op: 'set'; readonly path: readonly PathSegment[]; readonly value: unknown }
  | { readonly op: 'append'; readonly path: readonly PathSegment[]; readonly value: unknown };

interface Visited {
  readonly container: Container;
  readonly field: 'initContainers' | 'containers' | 'ephemeralContainers';
  readonly index: number;
}

function visit(spec: PodSpec): Visited[] {
  const out: Visited[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    spec[field]?.forEach((container, index) => out.push({ container, field, index }));
  }
  return out;
}

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${s}]`;
  }
  return out;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const goodProfile = (t: string | undefined): boolean => t === 'RuntimeDefault' || t === 'Localhost';

/**
 * The remedies for `checkId` on a pod shape whose spec sits at `specPath` (segments from the object root, e.g.
 * `['spec', 'template', 'spec']`; `['spec']` for a Pod) and metadata at `metaPath`.
 */
export function remediesFor(
  checkId: string,
  shape: PodShape,
  specPath: readonly PathSegment[],
  metaPath: readonly PathSegment[],
): Remedy[] {
  const spec = shape.spec;
  const out: Remedy[] = [];
  const at = (...rest: PathSegment[]): PathSegment[] => [...specPath, ...rest];
  const add = (path: PathSegment[], change: string, edit?: Edit): void => {
    out.push(
      edit === undefined
        ? { checkId, path: formatPath(path), change }
        : { checkId, path: formatPath(path), change, edit },
    );
  };
  const sc = (v: Visited): PathSegment[] => at(v.field, v.index, 'securityContext');
  const containers = visit(spec);
  const podSc = spec.securityContext;
  switch (checkId) {
    case 'appArmorProfile': {
      if (isSet(podSc?.appArmorProfile) && !goodProfile(podSc?.appArmorProfile?.type))
        add(at('securityContext', 'appArmorProfile', 'type'), 'set to RuntimeDefault or Localhost');
      for (const v of containers) {
        const p = v.container.securityContext?.appArmorProfile;
        if (isSet(p) && !goodProfile(p?.type))
          add([...sc(v), 'appArmorProfile', 'type'], 'set to RuntimeDefault or Localhost');
      }
      for (const [key, value] of Object.entries(shape.metadata.annotations ?? {})) {
        if (
          key.startsWith('container.apparmor.security.beta.kubernetes.io/') &&
          value !== '' &&
          value !== 'runtime/default' &&
          !value.startsWith('localhost/')
        ) {
          add([...metaPath, 'annotations', key], 'remove, or set to runtime/default or localhost/<profile>');
        }
      }
      break;
    }
    case 'capabilities_baseline':
      for (const v of containers) {
        const bad = (v.container.securityContext?.capabilities?.add ?? []).filter(
          (c) => !BASELINE_ALLOWED_CAPABILITIES.has(c),
        );
        if (bad.length > 0) add([...sc(v), 'capabilities', 'add'], `remove ${bad.join(', ')}`);
      }
      break;
    case 'hostNamespaces':
      for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const)
        if (spec[f] === true) add(at(f), 'remove (or set false)');
      break;
    case 'hostPathVolumes':
      spec.volumes?.forEach((vol, i) => {
        if (isSet(vol.hostPath))
          add(
            at('volumes', i, 'hostPath'),
            'use another volume type (emptyDir, configMap, persistentVolumeClaim, ...)',
          );
      });
      break;
    case 'hostPorts':
      for (const v of containers) {
        v.container.ports?.forEach((p, j) => {
          if (p.hostPort !== undefined && p.hostPort !== 0)
            add(at(v.field, v.index, 'ports', j, 'hostPort'), 'remove (or set 0)');
          else if (spec.hostNetwork === true && p.containerPort !== undefined && p.containerPort !== 0) {
            add(
              at(v.field, v.index, 'ports', j),
              'hostNetwork makes the API server default hostPort to containerPort: drop hostNetwork',
            );
          }
        });
      }
      break;
    case 'hostProbesAndHostLifecycle':
      for (const v of containers) {
        const c = v.container;
        for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
          for (const h of ['httpGet', 'tcpSocket'] as const) {
            const host = c[probe]?.[h]?.host;
            if (host !== undefined && host !== '')
              add(at(v.field, v.index, probe, h, 'host'), 'remove (probes then target the pod IP)');
          }
        }
        for (const hook of ['postStart', 'preStop'] as const) {
          for (const h of ['httpGet', 'tcpSocket'] as const) {
            const host = c.lifecycle?.[hook]?.[h]?.host;
            if (host !== undefined && host !== '') add(at(v.field, v.index, 'lifecycle', hook, h, 'host'), 'remove');
          }
        }
      }
      break;
    case 'privileged':
      for (const v of containers)
        if (v.container.securityContext?.privileged === true) add([...sc(v), 'privileged'], 'remove (or set false)');
      break;
    case 'procMount':
    case 'procMount_restricted':
      for (const v of containers) {
        const pm = v.container.securityContext?.procMount;
        if (pm !== undefined && pm !== 'Default') add([...sc(v), 'procMount'], 'remove (or set Default)');
      }
      break;
    case 'seLinuxOptions': {
      const bad = (o: SELinuxOptions | undefined): boolean =>
        o !== undefined && (!SELINUX_ALLOWED_TYPES.has(o.type ?? '') || (o.user ?? '') !== '' || (o.role ?? '') !== '');
      if (bad(podSc?.seLinuxOptions))
        add(
          at('securityContext', 'seLinuxOptions'),
          'remove user and role; type only container_t, container_init_t, container_kvm_t or container_engine_t',
        );
      for (const v of containers) {
        if (bad(v.container.securityContext?.seLinuxOptions))
          add(
            [...sc(v), 'seLinuxOptions'],
            'remove user and role; type only container_t, container_init_t, container_kvm_t or container_engine_t',
          );
      }
      break;
    }
    case 'seccompProfile_baseline':
      if (isSet(podSc?.seccompProfile) && !goodProfile(podSc?.seccompProfile?.type))
        add(at('securityContext', 'seccompProfile', 'type'), 'set to RuntimeDefault or Localhost');
      for (const v of containers) {
        const p = v.container.securityContext?.seccompProfile;
        if (isSet(p) && !goodProfile(p?.type))
          add([...sc(v), 'seccompProfile', 'type'], 'set to RuntimeDefault or Localhost');
      }
      for (const key of Object.keys(shape.metadata.annotations ?? {})) {
        if (
          key === 'seccomp.security.alpha.kubernetes.io/pod' ||
          key.startsWith('container.seccomp.security.alpha.kubernetes.io/')
        ) {
          add(
            [...metaPath, 'annotations', key],
            'replace the annotation with securityContext.seccompProfile (RuntimeDefault)',
          );
        }
      }
      break;
    case 'sysctls':
      podSc?.sysctls?.forEach((s, i) =>
        add(at('securityContext', 'sysctls', i, 'name'), `remove ${s.name ?? 'this sysctl'} (not in the safe set)`),
      );
      break;
    case 'windowsHostProcess':
      if (podSc?.windowsOptions?.hostProcess === true)
        add(at('securityContext', 'windowsOptions', 'hostProcess'), 'remove (or set false)');
      for (const v of containers)
        if (v.container.securityContext?.windowsOptions?.hostProcess === true)
          add([...sc(v), 'windowsOptions', 'hostProcess'], 'remove (or set false)');
      break;
    case 'allowPrivilegeEscalation':
      for (const v of containers) {
        const s: SecurityContext | undefined = v.container.securityContext;
        if (s?.allowPrivilegeEscalation === false) continue;
        const path = [...sc(v), 'allowPrivilegeEscalation'];
        // Setting it on an explicitly escalating or privileged container changes what it does: a decision, not a fix.
        if (s?.privileged === true)
          add(path, 'set false once privileged is removed (a privileged container always escalates)');
        else if (s?.allowPrivilegeEscalation === true)
          add(path, 'set false (the container asks for escalation: check it does not need it)');
        else add(path, 'set false', { op: 'set', path, value: false });
      }
      break;
    case 'capabilities_restricted':
      for (const v of containers) {
        const caps = v.container.securityContext?.capabilities;
        const drop = caps?.drop;
        if (drop?.includes('ALL') !== true) {
          const path = [...sc(v), 'capabilities', 'drop'];
          add(
            path,
            'add ALL',
            drop === undefined ? { op: 'set', path, value: ['ALL'] } : { op: 'append', path, value: 'ALL' },
          );
        }
        const bad = (caps?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
        if (bad.length > 0)
          add([...sc(v), 'capabilities', 'add'], `remove ${bad.join(', ')} (only NET_BIND_SERVICE may be added)`);
      }
      break;
    case 'restrictedVolumes':
      spec.volumes?.forEach((vol, i) => {
        const rec = vol as Readonly<Record<string, unknown>>;
        if (!ALLOWED_VOLUME_SOURCES.some((k) => isSet(rec[k])))
          add(at('volumes', i), `use ${ALLOWED_VOLUME_SOURCES.join(', ')}`);
      });
      break;
    case 'runAsNonRoot': {
      if (podSc?.runAsNonRoot === false) {
        const path = at('securityContext', 'runAsNonRoot');
        add(path, 'set true (the image must run as a non-root user)', { op: 'set', path, value: true });
      }
      const covered = podSc?.runAsNonRoot === true || podSc?.runAsNonRoot === false;
      let implicit = false;
      for (const v of containers) {
        const r = v.container.securityContext?.runAsNonRoot;
        if (r === false) {
          const path = [...sc(v), 'runAsNonRoot'];
          add(path, 'set true (the image must run as a non-root user)', { op: 'set', path, value: true });
        } else if (r === undefined && !covered) implicit = true;
      }
      if (implicit && podSc?.runAsNonRoot !== false) {
        const path = at('securityContext', 'runAsNonRoot');
        add(path, 'set true (the image must run as a non-root user)', { op: 'set', path, value: true });
      }
      break;
    }
    case 'runAsUser':
      if (podSc?.runAsUser === 0) add(at('securityContext', 'runAsUser'), 'set a non-zero UID (or remove it)');
      for (const v of containers)
        if (v.container.securityContext?.runAsUser === 0)
          add([...sc(v), 'runAsUser'], 'set a non-zero UID (or remove it)');
      break;
    case 'seccompProfile_restricted': {
      const pod = podSc?.seccompProfile;
      if (isSet(pod) && !goodProfile(pod?.type))
        add(
          at('securityContext', 'seccompProfile', 'type'),
          'set to RuntimeDefault or Localhost (the pod asks for another profile: check it)',
        );
      let implicit = false;
      for (const v of containers) {
        const p = v.container.securityContext?.seccompProfile;
        if (isSet(p) && !goodProfile(p?.type))
          add(
            [...sc(v), 'seccompProfile', 'type'],
            'set to RuntimeDefault or Localhost (the container asks for another profile: check it)',
          );
        else if (!isSet(p) && !(isSet(pod) && goodProfile(pod?.type))) implicit = true;
      }
      if (implicit && !isSet(pod)) {
        const path = at('securityContext', 'seccompProfile', 'type');
        add(path, 'set RuntimeDefault', { op: 'set', path, value: 'RuntimeDefault' });
      }
      break;
    }
    default:
      break;
  }
  return out;
}
