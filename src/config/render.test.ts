import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadConfiguration, resolveConfiguration } from './load.ts';
import type { PodSecurityConfigurationDocument } from './pod-security-configuration.ts';
import { emitGoYaml, renderDocument, renderTalosPatch, renderTalosResource } from './render.ts';

const none = (): Promise<string> => Promise.reject(new Error('no files'));

/** The `spec:` block of `talosctl get admissioncontrolconfigs -o yaml` from the Talos seed, verbatim. */
const SEED_SPEC = `spec:
    config:
        - name: PodSecurity
          configuration:
            apiVersion: pod-security.admission.config.k8s.io/v1alpha1
            defaults:
                audit: restricted
                audit-version: latest
                enforce: baseline
                enforce-version: latest
                warn: restricted
                warn-version: latest
            exemptions:
                namespaces:
                    - kube-system
                runtimeClasses: []
                usernames: []
            kind: PodSecurityConfiguration
`;

describe('render', () => {
  it('talos-resource matches the seed spec block for the default', async () => {
    const r = await resolveConfiguration({ readFile: none });
    assert.ok(r.document !== undefined);
    const text = renderTalosResource(r, r.document);
    assert.ok(text.endsWith(SEED_SPEC), text);
  });

  it('emitGoYaml quotes what YAML would misread', () => {
    assert.equal(
      emitGoYaml({ a: 'yes', b: '1.25', c: '', d: 'v1.25', e: [] }),
      'a: "yes"\nb: "1.25"\nc: ""\nd: v1.25\ne: []\n',
    );
  });

  it('show -o json is the document in upstream field order', async () => {
    const r = await resolveConfiguration({ readFile: none });
    assert.ok(r.document !== undefined);
    assert.deepEqual(Object.keys(JSON.parse(renderDocument(r.document, 'json')) as object), [
      'apiVersion',
      'kind',
      'defaults',
      'exemptions',
    ]);
  });
});

const level = fc.constantFrom('privileged', 'baseline', 'restricted');
const version = fc.constantFrom('latest', 'v1.25', 'v1.37');
const name = fc.constantFrom('kube-system', 'monitoring', 'a', 'b', 'cilium');
const documents: fc.Arbitrary<PodSecurityConfigurationDocument> = fc.record({
  apiVersion: fc.constantFrom(
    'pod-security.admission.config.k8s.io/v1alpha1',
    'pod-security.admission.config.k8s.io/v1',
  ),
  kind: fc.constant('PodSecurityConfiguration' as const),
  defaults: fc.record({
    enforce: level,
    'enforce-version': version,
    audit: level,
    'audit-version': version,
    warn: level,
    'warn-version': version,
  }),
  exemptions: fc.record({
    usernames: fc.uniqueArray(fc.constantFrom('admin', 'ci'), { maxLength: 2 }),
    namespaces: fc.uniqueArray(name, { maxLength: 4 }),
    runtimeClasses: fc.uniqueArray(fc.constantFrom('kata', 'gvisor'), { maxLength: 2 }),
  }),
});

describe('renderTalosPatch', () => {
  it('applied to the Talos default, it yields the document (property)', async () => {
    await fc.assert(
      fc.asyncProperty(documents, async (document) => {
        const patch = renderTalosPatch(document);
        const result = await loadConfiguration({
          talosPatches: ['patch.yaml'],
          readFile: () => Promise.resolve(patch),
        });
        assert.ok(result.ok, patch);
        const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
        assert.deepEqual(plain(result.document), plain(document));
      }),
      { numRuns: 150 },
    );
  });

  it('lists that extend the default are patched with the new items only', () => {
    const patch = renderTalosPatch({
      apiVersion: 'pod-security.admission.config.k8s.io/v1alpha1',
      kind: 'PodSecurityConfiguration',
      defaults: {
        enforce: 'restricted',
        'enforce-version': 'latest',
        audit: 'restricted',
        'audit-version': 'latest',
        warn: 'restricted',
        'warn-version': 'latest',
      },
      exemptions: { usernames: [], namespaces: ['kube-system', 'monitoring'], runtimeClasses: [] },
    });
    assert.equal(
      patch,
      `cluster:
    apiServer:
        admissionControl:
            - name: PodSecurity
              configuration:
                defaults:
                    enforce: restricted
                exemptions:
                    namespaces:
                        - monitoring
`,
    );
  });
});
