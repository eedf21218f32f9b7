import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ANNOTATION_PREFIX, appArmorProfile, isAppArmorAnnotationKey } from './app-armor-profile.ts';
import { describeCheckCases } from '../testing/check-table.ts';

const P = 'container.apparmor.security.beta.kubernetes.io/';

describeCheckCases(appArmorProfile, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  { name: 'no profiles, containers without securityContext', spec: { containers: [{ name: 'a' }] }, expect: 'allowed' },
  {
    name: 'allowed field values',
    spec: {
      securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } } }],
    },
    expect: 'allowed',
  },
  {
    name: 'pod Unconfined',
    spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } } },
    expect: ['forbidden AppArmor profile', 'pod must not set AppArmor profile type to "Unconfined"'],
  },
  {
    name: 'container Unconfined, pod RuntimeDefault',
    spec: {
      securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'foo', securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
    },
    expect: ['forbidden AppArmor profile', 'container "foo" must not set AppArmor profile type to "Unconfined"'],
  },
  {
    name: 'annotations of every kind (spec example)',
    metadata: {
      annotations: {
        [P]: 'bogus',
        [`${P}a`]: '',
        [`${P}b`]: 'runtime/default',
        [`${P}c`]: 'localhost/',
        [`${P}d`]: 'localhost/foo',
        [`${P}e`]: 'unconfined',
        [`${P}f`]: 'unknown',
      },
    },
    spec: {},
    expect: [
      'forbidden AppArmor profiles',
      'annotations must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/="bogus"", "container.apparmor.security.beta.kubernetes.io/e="unconfined"", "container.apparmor.security.beta.kubernetes.io/f="unknown""',
    ],
  },
  {
    name: 'pod, container and annotation (spec example)',
    metadata: { annotations: { [`${P}c`]: 'unconfined' } },
    spec: {
      securityContext: { appArmorProfile: { type: 'Unconfined' } },
      containers: [{ name: 'c', securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
    },
    expect: [
      'forbidden AppArmor profiles',
      'pod and container "c" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined""',
    ],
  },
  {
    name: 'empty profile object has type ""',
    spec: { containers: [{ name: 'a', securityContext: { appArmorProfile: {} } }] },
    expect: ['forbidden AppArmor profile', 'container "a" must not set AppArmor profile type to ""'],
  },
  {
    name: 'containers in visit order with duplicates; distinct types sorted',
    spec: {
      initContainers: [{ name: 'i', securityContext: { appArmorProfile: { type: 'Unconfined' } } }],
      containers: [
        { name: 'x', securityContext: { appArmorProfile: { type: 'bogus' } } },
        { name: 'x', securityContext: { appArmorProfile: { type: 'Unconfined' } } },
      ],
      ephemeralContainers: [{ name: 'e', securityContext: { appArmorProfile: { type: 'runtime/default' } } }],
    },
    expect: [
      'forbidden AppArmor profiles',
      'containers "i", "x", "x", "e" must not set AppArmor profile type to "Unconfined", "bogus", "runtime/default"',
    ],
  },
  {
    name: 'annotation for a container that does not exist, value Go-quoted',
    metadata: { annotations: { [`${P}ghost`]: 'tab\there "q"', other: 'unconfined' } },
    spec: {},
    expect: [
      'forbidden AppArmor profile',
      'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/ghost="tab\\there \\"q\\"""',
    ],
  },
  {
    name: 'annotation prefix is case-sensitive and values are exact',
    metadata: {
      annotations: { 'Container.apparmor.security.beta.kubernetes.io/a': 'unconfined', [`${P}b`]: 'Runtime/Default' },
    },
    spec: {},
    expect: [
      'forbidden AppArmor profile',
      'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/b="Runtime/Default""',
    ],
  },
  {
    name: 'annotations sorted by code point after field types',
    metadata: { annotations: { [`${P}b`]: 'x', [`${P}a`]: 'y' } },
    spec: { securityContext: { appArmorProfile: { type: 'zzz' } } },
    expect: [
      'forbidden AppArmor profiles',
      'pod and annotations must not set AppArmor profile type to "zzz", "container.apparmor.security.beta.kubernetes.io/a="y"", "container.apparmor.security.beta.kubernetes.io/b="x""',
    ],
  },
]);

describe('isAppArmorAnnotationKey', () => {
  // Keys near the prefix: cut short, with one character changed, or followed by anything (newlines included).
  const nearPrefix = fc.oneof(
    fc.nat({ max: ANNOTATION_PREFIX.length }).map((n) => ANNOTATION_PREFIX.slice(0, n)),
    fc
      .tuple(fc.nat({ max: ANNOTATION_PREFIX.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
      .map(([i, c]) => ANNOTATION_PREFIX.slice(0, i) + c + ANNOTATION_PREFIX.slice(i + 1)),
    fc.string().map((rest) => ANNOTATION_PREFIX + rest),
    fc.string().map((before) => before + ANNOTATION_PREFIX),
    fc.string(),
  );
  it('is startsWith(prefix)', () => {
    fc.assert(
      fc.property(nearPrefix, (key) => {
        assert.equal(isAppArmorAnnotationKey(key), key.startsWith(ANNOTATION_PREFIX));
      }),
      { numRuns: 2000 },
    );
  });
});
