import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container } from '../k8s/pod.ts';
import {
  ContainerFlag,
  RESTRICTED_ONLY_FLAGS,
  containerFlags,
  scanContainers,
  scanContainersForBaseline,
} from './container-flags.ts';

const F = ContainerFlag;
// What a container with an empty securityContext sets: the restricted conditions that need an explicit value.
const EMPTY_SC = F.unrestrictedCapabilities | F.unsetSeccompProfile | F.runAsNonRootNotTrue | F.mayEscalatePrivileges;
// A container that sets every restricted field right.
const GOOD_SC = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

const cases: readonly { readonly name: string; readonly container: Container; readonly flags: number }[] = [
  { name: 'no securityContext', container: { name: 'a' }, flags: EMPTY_SC },
  { name: 'empty securityContext', container: { securityContext: {} }, flags: EMPTY_SC },
  { name: 'restricted-compliant', container: { securityContext: GOOD_SC }, flags: 0 },
  { name: 'privileged', container: { securityContext: { ...GOOD_SC, privileged: true } }, flags: F.privileged },
  {
    name: 'adds a baseline capability',
    container: { securityContext: { ...GOOD_SC, capabilities: { drop: ['ALL'], add: ['CHOWN'] } } },
    flags: F.unrestrictedCapabilities,
  },
  {
    name: 'adds a non-baseline capability',
    container: { securityContext: { ...GOOD_SC, capabilities: { drop: ['ALL'], add: ['CHOWN', 'SYS_ADMIN'] } } },
    flags: F.unrestrictedCapabilities | F.addsNonBaselineCapability,
  },
  {
    name: 'drops something else',
    container: { securityContext: { ...GOOD_SC, capabilities: { drop: ['NET_RAW'] } } },
    flags: F.unrestrictedCapabilities,
  },
  {
    name: 'hostPort 0 and a hostPort',
    container: { securityContext: GOOD_SC, ports: [{ hostPort: 0 }, { containerPort: 80, hostPort: 80 }] },
    flags: F.hostPort,
  },
  {
    name: 'procMount Default and Unmasked',
    container: { securityContext: { ...GOOD_SC, procMount: 'Unmasked' } },
    flags: F.nonDefaultProcMount,
  },
  { name: 'procMount Default', container: { securityContext: { ...GOOD_SC, procMount: 'Default' } }, flags: 0 },
  {
    name: 'seLinux container_t',
    container: { securityContext: { ...GOOD_SC, seLinuxOptions: { type: 'container_t', level: 's0' } } },
    flags: 0,
  },
  {
    name: 'seLinux container_engine_t (bad only before v1.31: the superset bit)',
    container: { securityContext: { ...GOOD_SC, seLinuxOptions: { type: 'container_engine_t' } } },
    flags: F.seLinuxOptionsMaybeBad,
  },
  {
    name: 'seLinux role',
    container: { securityContext: { ...GOOD_SC, seLinuxOptions: { role: 'r' } } },
    flags: F.seLinuxOptionsMaybeBad,
  },
  {
    name: 'seccomp Unconfined',
    container: { securityContext: { ...GOOD_SC, seccompProfile: { type: 'Unconfined' } } },
    flags: F.badSeccompProfile,
  },
  {
    name: 'seccomp Localhost',
    container: { securityContext: { ...GOOD_SC, seccompProfile: { type: 'Localhost' } } },
    flags: 0,
  },
  {
    name: 'AppArmor Unconfined',
    container: { securityContext: { ...GOOD_SC, appArmorProfile: { type: 'Unconfined' } } },
    flags: F.badAppArmorProfile,
  },
  {
    name: 'runAsNonRoot false',
    container: { securityContext: { ...GOOD_SC, runAsNonRoot: false } },
    flags: F.runAsNonRootFalse | F.runAsNonRootNotTrue,
  },
  {
    name: 'runAsUser 0',
    container: { securityContext: { ...GOOD_SC, runAsUser: 0 } },
    flags: F.runAsUserZero,
  },
  {
    name: 'allowPrivilegeEscalation true',
    container: { securityContext: { ...GOOD_SC, allowPrivilegeEscalation: true } },
    flags: F.mayEscalatePrivileges,
  },
  {
    name: 'hostProcess',
    container: { securityContext: { ...GOOD_SC, windowsOptions: { hostProcess: true } } },
    flags: F.hostProcess,
  },
  {
    name: 'probe without host, empty host',
    container: {
      securityContext: GOOD_SC,
      livenessProbe: { httpGet: { port: 80 } },
      readinessProbe: { tcpSocket: { host: '' } },
    },
    flags: 0,
  },
  {
    name: 'preStop tcpSocket host',
    container: { securityContext: GOOD_SC, lifecycle: { preStop: { tcpSocket: { host: '10.0.0.1' } } } },
    flags: F.probeOrLifecycleHost,
  },
  {
    name: 'startupProbe httpGet host',
    container: { securityContext: GOOD_SC, startupProbe: { httpGet: { host: 'example.com' } } },
    flags: F.probeOrLifecycleHost,
  },
];

describe('containerFlags', () => {
  for (const c of cases) {
    it(c.name, () => assert.equal(containerFlags(c.container), c.flags));
    // The baseline scan reads fewer fields but must agree with the full one on every bit a baseline check reads.
    it(`${c.name}, baseline scan`, () =>
      assert.equal(containerFlags(c.container, false), c.flags & ~RESTRICTED_ONLY_FLAGS));
  }
});

describe('scanContainers', () => {
  it('ORs init, regular and ephemeral containers', () => {
    const flags = scanContainers({
      initContainers: [{ securityContext: { ...GOOD_SC, privileged: true } }],
      containers: [{ securityContext: GOOD_SC }],
      ephemeralContainers: [{ securityContext: { ...GOOD_SC, runAsUser: 0 } }],
    });
    assert.equal(flags, F.privileged | F.runAsUserZero);
  });
  it('is 0 for a pod without containers', () => assert.equal(scanContainers({}), 0));
  it('for baseline, leaves the restricted-only bits clear', () => {
    const spec = {
      initContainers: [{ securityContext: { privileged: true, runAsUser: 0 } }],
      containers: [{ name: 'no-security-context' }],
      ephemeralContainers: [{ securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } } }],
    };
    assert.equal(scanContainersForBaseline(spec), F.privileged | F.addsNonBaselineCapability);
    assert.equal(scanContainersForBaseline(spec), scanContainers(spec) & ~RESTRICTED_ONLY_FLAGS);
  });
});
