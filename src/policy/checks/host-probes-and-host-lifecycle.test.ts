import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hostProbesAndHostLifecycle } from './host-probes-and-host-lifecycle.ts';
import { describeCheckCases } from '../testing/check-table.ts';

describeCheckCases(hostProbesAndHostLifecycle, [
  { name: 'empty pod', spec: {}, expect: 'allowed' },
  {
    name: 'probes without hosts or with empty hosts',
    spec: {
      containers: [
        {
          name: 'a',
          livenessProbe: { httpGet: { path: '/', port: 80 } },
          readinessProbe: { tcpSocket: { host: '', port: 80 } },
          startupProbe: {},
          lifecycle: { postStart: { httpGet: { host: '' } }, preStop: {} },
        },
      ],
    },
    expect: 'allowed',
  },
  {
    name: 'three hosts on one container (spec example)',
    spec: {
      containers: [
        {
          name: 'a',
          livenessProbe: { httpGet: { host: '127.0.0.1' } },
          readinessProbe: { tcpSocket: { host: '::1' } },
          startupProbe: { httpGet: { host: 'localhost' } },
        },
      ],
    },
    expect: ['probe or lifecycle host', 'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"'],
  },
  {
    name: 'two containers, shared host (spec example)',
    spec: {
      containers: [
        { name: 'invalid1', livenessProbe: { httpGet: { host: 'a.com' } } },
        {
          name: 'invalid2',
          lifecycle: { preStop: { tcpSocket: { host: 'b.com' } } },
          startupProbe: { httpGet: { host: 'a.com' } },
        },
      ],
    },
    expect: [
      'probe or lifecycle host',
      'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"',
    ],
  },
  {
    name: 'init container (spec example)',
    spec: { initContainers: [{ name: 'init', livenessProbe: { httpGet: { host: 'invalid.init.host' } } }] },
    expect: ['probe or lifecycle host', 'container "init" uses probe or lifecycle host "invalid.init.host"'],
  },
  {
    name: 'container names sorted and de-duplicated; postStart and ephemeral',
    spec: {
      containers: [
        { name: 'z', lifecycle: { postStart: { httpGet: { host: 'h' } } } },
        { name: 'a', readinessProbe: { tcpSocket: { host: 'h' } } },
        { name: 'z', readinessProbe: { httpGet: { host: 'h' } } },
      ],
      ephemeralContainers: [{ name: 'm', livenessProbe: { httpGet: { host: 'g' }, tcpSocket: { host: 'f' } } }],
    },
    expect: ['probe or lifecycle host', 'containers "a", "m", "z" use probe or lifecycle hosts "f", "g", "h"'],
  },
]);

it('hostProbesAndHostLifecycle starts at v1.34', () => {
  assert.deepEqual(
    hostProbesAndHostLifecycle.versions.map((v) => v.minimumVersion.text),
    ['v1.34'],
  );
});
