import { capabilitiesRestricted } from './capabilities-restricted.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const caps = (name: string, add?: string[], drop?: string[]) => ({
  name,
  securityContext: { capabilities: { ...(add === undefined ? {} : { add }), ...(drop === undefined ? {} : { drop }) } },
});

describeCheckCases(capabilitiesRestricted, [
  { name: 'no containers', spec: {}, expect: 'allowed' },
  {
    name: 'drop ALL, add NET_BIND_SERVICE',
    spec: { containers: [caps('a', undefined, ['ALL']), caps('b', ['NET_BIND_SERVICE'], ['FOO', 'ALL'])] },
    expect: 'allowed',
  },
  {
    name: 'spec example',
    spec: {
      containers: [
        caps('a', ['FOO', 'BAR']),
        caps('b', ['BAR', 'BAZ']),
        caps('c', ['NET_BIND_SERVICE', 'CHOWN'], ['ALL', 'FOO']),
      ],
    },
    expect: [
      'unrestricted capabilities',
      'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add',
    ],
  },
  {
    name: 'missing securityContext or capabilities only reports drop',
    spec: {
      initContainers: [{ name: 'i' }],
      containers: [{ name: 'a', securityContext: {} }, caps('b', undefined, ['all'])],
    },
    expect: [
      'unrestricted capabilities',
      'containers "i", "a", "b" must set securityContext.capabilities.drop=["ALL"]',
    ],
  },
  {
    name: 'only adding',
    spec: { ephemeralContainers: [caps('e', ['SYS_ADMIN', 'SYS_ADMIN'], ['ALL'])] },
    expect: [
      'unrestricted capabilities',
      'container "e" must not include "SYS_ADMIN" in securityContext.capabilities.add',
    ],
  },
  {
    name: 'Windows pod not exempt at v1.22',
    versions: [22, 24],
    spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
    expect: ['unrestricted capabilities', 'container "a" must set securityContext.capabilities.drop=["ALL"]'],
  },
  {
    name: 'Windows pod exempt from v1.25',
    versions: [25, 37],
    spec: { os: { name: 'windows' }, containers: [{ name: 'a' }] },
    expect: 'allowed',
  },
]);
