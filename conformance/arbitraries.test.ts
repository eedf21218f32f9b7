import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  allowedVolumeSources,
  injectAt,
  keyVersions,
  podCase,
  restrictedVolumeSources,
  wrongTypes,
  type Json,
} from './arbitraries.ts';
import { evaluateOurs } from './lib/engine.ts';

/** Every JSON path (array indices as `[]`) in a value, with the kinds of value seen there. */
function collectPaths(value: Json, path: string, out: Map<string, Set<string>>): void {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  let kinds = out.get(path);
  if (kinds === undefined) out.set(path, (kinds = new Set()));
  kinds.add(kind);
  if (Array.isArray(value)) for (const item of value as Json[]) collectPaths(item, `${path}[]`, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) collectPaths(child, path === '' ? key : `${path}.${key}`, out);
  }
}

describe('podCase', () => {
  const cases = fc.sample(podCase, { seed: 42, numRuns: 2500 });
  const paths = new Map<string, Set<string>>();
  for (const c of cases) collectPaths(c.pod, '', paths);
  const values = (path: string): Set<unknown> => {
    const seen = new Set<unknown>();
    const walk = (value: unknown, parts: readonly string[]): void => {
      if (parts.length === 0) return void seen.add(value);
      const [head, ...rest] = parts as [string, ...string[]];
      if (head === '[]') {
        if (Array.isArray(value)) for (const item of value) walk(item, rest);
      } else if (typeof value === 'object' && value !== null && head in value) {
        walk((value as Record<string, unknown>)[head], rest);
      }
    };
    for (const c of cases) walk(c.pod, path.replaceAll('[]', '.[]').split('.'));
    return seen;
  };

  it('is plain JSON: no undefined, no non-finite numbers, nothing but objects/arrays/scalars', () => {
    const problems: string[] = [];
    const check = (value: unknown, path: string): void => {
      if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) problems.push(`${path}: ${String(value)}`);
      } else if (Array.isArray(value)) value.forEach((item, i) => check(item, `${path}[${String(i)}]`));
      else if (typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) check(child, `${path}.${key}`);
      } else problems.push(`${path}: ${typeof value}`);
    };
    for (const c of cases) check(c.pod, 'pod');
    assert.deepEqual(problems.slice(0, 5), []);
  });

  it('reaches every field a check reads (spec §2), set and null, in every container list', () => {
    const containerFields = [
      'name',
      'ports[].hostPort',
      'securityContext.privileged',
      'securityContext.allowPrivilegeEscalation',
      'securityContext.capabilities.add[]',
      'securityContext.capabilities.drop[]',
      'securityContext.procMount',
      'securityContext.runAsNonRoot',
      'securityContext.runAsUser',
      'securityContext.seLinuxOptions.type',
      'securityContext.seLinuxOptions.user',
      'securityContext.seLinuxOptions.role',
      'securityContext.seccompProfile.type',
      'securityContext.appArmorProfile.type',
      'securityContext.windowsOptions.hostProcess',
      'livenessProbe.httpGet.host',
      'readinessProbe.tcpSocket.host',
      'startupProbe.httpGet.host',
      'lifecycle.postStart.tcpSocket.host',
      'lifecycle.preStop.httpGet.host',
    ];
    const required = [
      'metadata.annotations',
      'spec.hostNetwork',
      'spec.hostPID',
      'spec.hostIPC',
      'spec.hostUsers',
      'spec.os.name',
      'spec.volumes[].name',
      'spec.securityContext.runAsNonRoot',
      'spec.securityContext.runAsUser',
      'spec.securityContext.seLinuxOptions.type',
      'spec.securityContext.seccompProfile.type',
      'spec.securityContext.appArmorProfile.type',
      'spec.securityContext.sysctls[].name',
      'spec.securityContext.windowsOptions.hostProcess',
      ...['initContainers', 'containers', 'ephemeralContainers'].flatMap((list) =>
        containerFields.map((f) => `spec.${list}[].${f}`),
      ),
    ];
    const missing = required.filter((p) => !paths.has(p));
    assert.deepEqual(missing, []);
    const neverNull = [
      'spec.hostUsers',
      'spec.securityContext',
      'spec.containers',
      'spec.containers[]',
      'metadata.annotations',
    ]
      .concat(['spec.containers[].securityContext', 'spec.containers[].securityContext.privileged'])
      .filter((p) => !(paths.get(p)?.has('null') ?? false));
    assert.deepEqual(neverNull, []);
  });

  it('uses every volume source, Windows and hostUsers variants, and the awkward values', () => {
    for (const source of [...Object.keys(allowedVolumeSources), ...Object.keys(restrictedVolumeSources)]) {
      assert.ok(paths.has(`spec.volumes[].${source}`), source);
    }
    const osNames = values('spec.os.name');
    for (const name of ['windows', 'linux', 'other']) assert.ok(osNames.has(name), name);
    const hostUsers = values('spec.hostUsers');
    assert.ok(hostUsers.has(true) && hostUsers.has(false) && hostUsers.has(null));
    const caps = values('spec.containers[].securityContext.capabilities.add[]');
    for (const cap of ['NET_BIND_SERVICE', 'NET_RAW', 'chown', 'CAP_CHOWN', 'ALL', 'all'])
      assert.ok(caps.has(cap), cap);
    const seLinux = values('spec.containers[].securityContext.seLinuxOptions.type');
    assert.ok(seLinux.has('container_engine_t'));
    const hostPorts = values('spec.containers[].ports[].hostPort');
    assert.ok(hostPorts.has(0) && hostPorts.has(-1) && hostPorts.has(8080));
    const names = values('spec.containers[].name');
    assert.ok(names.has('') && names.has('\ud800') && names.has('😀'), 'empty, lone surrogate and astral names');
    const keys = new Set(
      cases.flatMap((c) => Object.keys((c.pod['metadata'] as Record<string, Json> | undefined)?.['annotations'] ?? {})),
    );
    for (const key of [
      'container.apparmor.security.beta.kubernetes.io/',
      'container.apparmor.security.beta.kubernetes.io/ghost',
      'container.apparmor.security.beta.kubernetes.io/a',
      'seccomp.security.alpha.kubernetes.io/pod',
      'container.seccomp.security.alpha.kubernetes.io/a',
      'container.seccomp.security.alpha.kubernetes.io/ghost',
    ]) {
      assert.ok(keys.has(key), key);
    }
  });

  it('spreads levels and versions, including latest and versions above the newest', () => {
    const levels = new Set(cases.map((c) => c.level));
    assert.deepEqual([...levels].sort(), ['baseline', 'privileged', 'restricted']);
    const versions = new Set(cases.map((c) => c.version));
    for (const v of keyVersions) assert.ok(versions.has(v), v);
  });

  it('has containers with duplicate names', () => {
    const dup = cases.some((c) => {
      const spec = c.pod['spec'] as Record<string, Json> | undefined;
      const list = spec?.['containers'];
      if (!Array.isArray(list)) return false;
      const names = list.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? x['name'] : undefined));
      return new Set(names).size < names.length;
    });
    assert.ok(dup);
  });

  it('mixes in mistyped pods', () => {
    assert.ok(
      cases.some((c) => evaluateOurs({ id: 0, level: c.level, version: c.version, pod: c.pod }).error !== undefined),
    );
  });
});

describe('wrongTypes', () => {
  it('each makes our decoder reject an otherwise fine pod, naming the field', () => {
    const base = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a' }] } };
    for (const [path, value] of wrongTypes) {
      const pod = injectAt(base, path, value);
      const answer = evaluateOurs({ id: 0, level: 'restricted', version: 'latest', pod });
      const where = path
        .map((p) => (typeof p === 'number' ? `[${String(p)}]` : p))
        .join('.')
        .replaceAll('.[', '[');
      assert.ok(
        answer.error?.includes(where.split('.container.apparmor')[0]!),
        `${where}: ${answer.error ?? 'evaluated'}`,
      );
    }
  });
  it('injectAt copies and creates the path', () => {
    const pod = { spec: {} };
    assert.deepEqual(injectAt(pod, ['spec', 'containers', 0, 'name'], 5), { spec: { containers: [{ name: 5 }] } });
    assert.deepEqual(pod, { spec: {} });
  });
});
