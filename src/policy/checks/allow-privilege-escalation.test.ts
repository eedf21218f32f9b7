import assert from 'node:assert/strict';
import { it } from 'node:test';
import { allowPrivilegeEscalation } from './allow-privilege-escalation.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const ape = (name: string, value?: boolean) => ({
  name,
  securityContext: value === undefined ? {} : { allowPrivilegeEscalation: value },
});
const example = [{ name: 'a' }, ape('b'), ape('c', true), ape('d', false)];

describeCheckCases(allowPrivilegeEscalation, [
  { name: 'no containers', spec: {}, expect: 'allowed' },
  {
    name: 'all explicit false',
    spec: { initContainers: [ape('i', false)], containers: [ape('a', false)] },
    expect: 'allowed',
  },
  {
    name: 'no securityContext, nil, true, false (spec example)',
    spec: { containers: example },
    expect: [
      'allowPrivilegeEscalation != false',
      'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
    ],
  },
  {
    name: 'ephemeral container counts',
    spec: { containers: [ape('a', false)], ephemeralContainers: [{ name: 'dbg' }] },
    expect: [
      'allowPrivilegeEscalation != false',
      'container "dbg" must set securityContext.allowPrivilegeEscalation=false',
    ],
  },
  {
    name: 'Windows pod not exempt before v1.25',
    versions: [8, 24],
    spec: { os: { name: 'windows' }, containers: example },
    expect: [
      'allowPrivilegeEscalation != false',
      'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false',
    ],
  },
  {
    name: 'Windows pod exempt from v1.25',
    versions: [25, 37],
    spec: { os: { name: 'windows' }, containers: example },
    expect: 'allowed',
  },
  {
    name: 'os name is exact',
    versions: [25],
    spec: { os: { name: 'Windows' }, containers: [{ name: 'a' }] },
    expect: [
      'allowPrivilegeEscalation != false',
      'container "a" must set securityContext.allowPrivilegeEscalation=false',
    ],
  },
  {
    name: 'linux pod',
    versions: [25],
    spec: { os: { name: 'linux' }, containers: [{ name: 'a' }] },
    expect: [
      'allowPrivilegeEscalation != false',
      'container "a" must set securityContext.allowPrivilegeEscalation=false',
    ],
  },
]);

it('allowPrivilegeEscalation has variants v1.8 and v1.25', () => {
  assert.deepEqual(
    allowPrivilegeEscalation.versions.map((v) => v.minimumVersion.text),
    ['v1.8', 'v1.25'],
  );
});
