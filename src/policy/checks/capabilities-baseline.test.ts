import { capabilitiesBaseline } from './capabilities-baseline.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const add = (name: string, caps: string[]) => ({ name, securityContext: { capabilities: { add: caps } } });

describeCheckCases(capabilitiesBaseline, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  {
    name: 'no securityContext, no capabilities, empty add',
    spec: {
      containers: [
        { name: 'a' },
        { name: 'b', securityContext: {} },
        { name: 'c', securityContext: { capabilities: {} } },
        add('d', []),
      ],
    },
    expect: 'allowed',
  },
  {
    name: 'every default capability is allowed',
    spec: {
      containers: [
        add('a', [
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
        ]),
      ],
    },
    expect: 'allowed',
  },
  {
    name: 'drop is ignored',
    spec: { containers: [{ name: 'a', securityContext: { capabilities: { drop: ['SYS_ADMIN'] } } }] },
    expect: 'allowed',
  },
  {
    name: 'two containers (spec example)',
    spec: { containers: [add('a', ['FOO', 'BAR']), add('b', ['BAR', 'BAZ'])] },
    expect: [
      'non-default capabilities',
      'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add',
    ],
  },
  {
    name: 'NET_RAW (spec example)',
    spec: { containers: [add('app', ['NET_RAW'])] },
    expect: [
      'non-default capabilities',
      'container "app" must not include "NET_RAW" in securityContext.capabilities.add',
    ],
  },
  {
    name: 'names are exact: lowercase and CAP_ prefix forbidden',
    spec: { initContainers: [add('i', ['chown', 'CAP_CHOWN', 'CHOWN'])], ephemeralContainers: [add('e', ['ALL'])] },
    expect: [
      'non-default capabilities',
      'containers "i", "e" must not include "ALL", "CAP_CHOWN", "chown" in securityContext.capabilities.add',
    ],
  },
  {
    name: 'container recorded once even with several bad capabilities; duplicates of names kept',
    spec: { containers: [add('x', ['A', 'A', 'B']), add('ok', ['KILL']), add('x', ['A'])] },
    expect: [
      'non-default capabilities',
      'containers "x", "x" must not include "A", "B" in securityContext.capabilities.add',
    ],
  },
]);
