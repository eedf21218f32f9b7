// Bad input never throws: arbitrary text as the config file and as Talos patches gives errors or findings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lintConfiguration } from './lint.ts';
import { loadConfiguration } from './load.ts';

const fragments = fc.constantFrom(
  'version: v1alpha1\n',
  'cluster:\n  apiServer:\n    admissionControl:\n',
  '      - name: PodSecurity\n',
  '        configuration:\n',
  '        $patch: delete\n',
  '          exemptions: {namespaces: [kube-system]}\n',
  '          defaults: {enforce: 5}\n',
  'apiVersion: v1alpha1\nkind: KubeAdmissionControlConfig\n',
  'name: PodSecurity\n',
  'configuration: [1]\n',
  'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: [{name: PodSecurity, path: x}]\n',
  'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n',
  '---\n',
  '{"a": [',
  '- x\n',
  '&a [*a]\n',
  ': :\n',
  '\t\n',
);
const text = fc.oneof(
  fc.string(),
  fc.array(fragments, { maxLength: 8 }).map((parts) => parts.join('')),
);

describe('robustness', () => {
  it('load and lint never throw on arbitrary files and patches', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(text, { maxLength: 2 }), fc.boolean(), async (config, patches, useConfig) => {
        const map = new Map<string, string>([['/w/c.yaml', config]]);
        patches.forEach((p, i) => map.set(`/w/p${String(i)}.yaml`, p));
        const options = {
          ...(useConfig ? { configPath: 'c.yaml' } : {}),
          talosPatches: patches.map((_, i) => `p${String(i)}.yaml`),
          readFile: (path: string) => {
            const t = map.get(path);
            return t === undefined ? Promise.reject(new Error(`ENOENT ${path}`)) : Promise.resolve(t);
          },
          cwd: '/w',
        };
        const loaded = await loadConfiguration(options);
        const linted = await lintConfiguration(options);
        // lint agrees with load: errors exactly when the configuration does not load.
        assert.equal(
          linted.findings.some((f) => f.severity === 'error'),
          !loaded.ok,
          JSON.stringify({ loaded, findings: linted.findings }),
        );
      }),
      { numRuns: 300 },
    );
  });
});
