import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatConfigError, loadConfiguration, type LoadResult } from './load.ts';

function files(map: Readonly<Record<string, string>>): (path: string) => Promise<string> {
  return (path) => {
    const text = map[path];
    return text === undefined
      ? Promise.reject(new Error(`ENOENT: no such file or directory, open '${path}'`))
      : Promise.resolve(text);
  };
}

async function load(
  map: Readonly<Record<string, string>>,
  configPath?: string,
  talosPatches: readonly string[] = [],
): Promise<LoadResult> {
  return loadConfiguration({
    ...(configPath === undefined ? {} : { configPath }),
    talosPatches,
    readFile: files(map),
    cwd: '/w',
  });
}

function namespaces(result: LoadResult): readonly string[] {
  assert.ok(result.ok, result.ok ? '' : result.errors.map((e) => formatConfigError(e)).join('\n'));
  return result.document.exemptions.namespaces;
}

function errors(result: LoadResult): string[] {
  assert.ok(!result.ok, 'expected errors');
  return result.errors.map((e) => formatConfigError(e));
}

const PSC = 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n';

describe('loadConfiguration: sources', () => {
  it('defaults to Talos (baseline / restricted / kube-system)', async () => {
    const r = await load({});
    assert.ok(r.ok);
    assert.equal(r.source.kind, 'talos-default');
    assert.equal(r.settings.defaults.enforce.level, 'baseline');
    assert.equal(r.settings.defaults.warn.level, 'restricted');
    assert.equal(r.settings.defaults.audit.level, 'restricted');
    assert.deepEqual(r.settings.exemptions.namespaces, ['kube-system']);
  });

  it('reads a PodSecurityConfiguration (YAML or JSON)', async () => {
    const yaml = await load({ '/w/c.yaml': `${PSC}exemptions: {namespaces: [a]}\n` }, 'c.yaml');
    assert.ok(yaml.ok);
    assert.equal(yaml.source.kind, 'pod-security-configuration');
    assert.deepEqual(namespaces(yaml), ['a']);
    const json = await load(
      {
        '/w/c.json':
          '{"apiVersion":"pod-security.admission.config.k8s.io/v1beta1","kind":"PodSecurityConfiguration","defaults":{"enforce":"restricted"}}',
      },
      'c.json',
    );
    assert.ok(json.ok);
    assert.equal(json.settings.defaults.enforce.level, 'restricted');
  });

  it('an empty file is upstream default, not Talos default', async () => {
    const r = await load({ '/w/c.yaml': '' }, 'c.yaml');
    assert.ok(r.ok);
    assert.equal(r.settings.defaults.enforce.level, 'privileged');
  });

  it('AdmissionConfiguration with inline configuration', async () => {
    const text = `apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: Other\n    path: x.yaml\n  - name: PodSecurity\n    configuration:\n      ${PSC.replaceAll('\n', '\n      ')}exemptions:\n        namespaces: [a, a]\n`;
    const r = await load({ '/w/ac.yaml': text }, 'ac.yaml');
    assert.deepEqual(errors(r), ['ac.yaml:11:25: exemptions.namespaces[1]: Duplicate value: "a"']);
    assert.ok(!r.ok);
    assert.equal(r.upstreamMessage, 'invalid configuration: exemptions.namespaces[1]: Duplicate value: "a"');
  });

  it('AdmissionConfiguration with a relative path', async () => {
    const ac =
      'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    path: psa/config.yaml\n';
    const r = await load(
      { '/w/etc/ac.yaml': ac, '/w/etc/psa/config.yaml': `${PSC}defaults: {enforce: baseline}\n` },
      'etc/ac.yaml',
    );
    assert.ok(r.ok);
    assert.equal(r.source.kind, 'admission-configuration');
    assert.equal(r.source.referencedFile, '/w/etc/psa/config.yaml');
    assert.equal(r.settings.defaults.enforce.level, 'baseline');
    const missing = await load({ '/w/ac.yaml': ac }, 'ac.yaml');
    assert.match(errors(missing)[0]!, /^ac\.yaml:5:11: .*\/w\/psa\/config\.yaml/);
  });

  it('reports an unreadable file with its path', async () => {
    assert.match(errors(await load({}, 'nope.yaml'))[0]!, /\/w\/nope\.yaml/);
  });

  it('patches need a Talos config', async () => {
    assert.match(
      errors(await load({ '/w/c.yaml': PSC, '/w/p.yaml': 'cluster: {}\n' }, 'c.yaml', ['p.yaml']))[0]!,
      /--talos-patch applies only to a Talos machine config/,
    );
  });
});

const LEGACY = `version: v1alpha1
machine:
  type: controlplane
cluster:
  apiServer:
    admissionControl:
      - name: PodSecurity
        configuration:
          apiVersion: pod-security.admission.config.k8s.io/v1alpha1
          kind: PodSecurityConfiguration
          defaults:
            enforce: baseline
          exemptions:
            namespaces: [kube-system]
`;
const NEW = `version: v1alpha1
machine:
  type: controlplane
---
apiVersion: v1alpha1
kind: KubeAdmissionControlConfig
name: PodSecurity
configuration:
  apiVersion: pod-security.admission.config.k8s.io/v1
  kind: PodSecurityConfiguration
  defaults:
    enforce: restricted
`;
const patch = (configuration: string): string =>
  `cluster:\n  apiServer:\n    admissionControl:\n      - name: PodSecurity\n        configuration:\n${configuration.replace(/^/gm, '          ')}\n`;

describe('loadConfiguration: Talos', () => {
  it('reads the legacy entry and the new document', async () => {
    const legacy = await load({ '/w/cp.yaml': LEGACY }, 'cp.yaml');
    assert.ok(legacy.ok);
    assert.equal(legacy.source.kind, 'talos-legacy');
    assert.equal(legacy.settings.defaults.enforce.level, 'baseline');
    const fresh = await load({ '/w/cp.yaml': NEW }, 'cp.yaml');
    assert.ok(fresh.ok);
    assert.equal(fresh.source.kind, 'talos-document');
    assert.equal(fresh.settings.defaults.enforce.level, 'restricted');
  });

  it('rejects both forms, as Talos does', async () => {
    const both = `${LEGACY}---\n${NEW.split('---\n')[1]!}`;
    assert.deepEqual(errors(await load({ '/w/cp.yaml': both }, 'cp.yaml')), [
      'cp.yaml:16:1: admission control plugin config is already set in v1alpha1 config',
    ]);
  });

  it('patches: lists append, scalars replace, empty values do not', async () => {
    const r = await load(
      {
        '/w/cp.yaml': LEGACY,
        '/w/p.yaml': patch('defaults:\n  enforce: ""\n  warn: restricted\nexemptions:\n  namespaces: [monitoring]'),
      },
      'cp.yaml',
      ['p.yaml'],
    );
    assert.deepEqual(namespaces(r), ['kube-system', 'monitoring']);
    assert.ok(r.ok);
    assert.equal(r.document.defaults.enforce, 'baseline');
    assert.equal(r.document.defaults.warn, 'restricted');
  });

  it('patches in order; a repeated kube-system is the Duplicate value trap, located in the patch', async () => {
    const r = await load({ '/w/p.yaml': patch('exemptions:\n  namespaces: [kube-system]') }, undefined, ['p.yaml']);
    assert.deepEqual(errors(r), ['p.yaml:7:26: exemptions.namespaces[1]: Duplicate value: "kube-system"']);
  });

  it('$patch: delete removes the entry before the merge', async () => {
    const p =
      'cluster:\n  apiServer:\n    admissionControl:\n      - name: PodSecurity\n        configuration:\n          apiVersion: pod-security.admission.config.k8s.io/v1\n          kind: PodSecurityConfiguration\n          defaults: {enforce: restricted}\n      - name: PodSecurity\n        $patch: delete\n';
    const r = await load({ '/w/p.yaml': p }, undefined, ['p.yaml']);
    assert.deepEqual(namespaces(r), []);
    assert.ok(r.ok);
    assert.equal(r.document.defaults.enforce, 'restricted');
    assert.equal(r.document.defaults.warn, 'privileged');
  });

  it('deleting the entry leaves kube-apiserver defaults, with a warning', async () => {
    const r = await load(
      {
        '/w/p.yaml':
          'cluster:\n  apiServer:\n    admissionControl:\n      - name: PodSecurity\n        $patch: delete\n',
      },
      undefined,
      ['p.yaml'],
    );
    assert.ok(r.ok);
    assert.equal(r.source.kind, 'talos-default');
    assert.equal(r.settings.defaults.enforce.level, 'privileged');
    assert.equal(r.findings[0]?.code, 'no-pod-security-entry');
  });

  it('new-style patches merge by kind and name; a document delete removes it', async () => {
    const p =
      'apiVersion: v1alpha1\nkind: KubeAdmissionControlConfig\nname: PodSecurity\nconfiguration:\n  exemptions:\n    namespaces: [a]\n';
    const r = await load({ '/w/cp.yaml': NEW, '/w/p.yaml': p }, 'cp.yaml', ['p.yaml']);
    assert.deepEqual(namespaces(r), ['a']);
    const del = 'apiVersion: v1alpha1\nkind: KubeAdmissionControlConfig\nname: PodSecurity\n$patch: delete\n';
    const gone = await load({ '/w/cp.yaml': NEW, '/w/p.yaml': del }, 'cp.yaml', ['p.yaml']);
    assert.ok(gone.ok);
    assert.equal(gone.source.kind, 'talos-none');
  });

  it('a new-style document on the legacy default conflicts', async () => {
    const p = 'apiVersion: v1alpha1\nkind: KubeAdmissionControlConfig\nname: PodSecurity\nconfiguration: {}\n';
    assert.deepEqual(errors(await load({ '/w/p.yaml': p }, undefined, ['p.yaml'])), [
      'p.yaml:1:1: admission control plugin config is already set in v1alpha1 config',
    ]);
  });

  it('a nameless KubeAdmissionControlConfig is rejected with Talos message', async () => {
    const doc = 'apiVersion: v1alpha1\nkind: KubeAdmissionControlConfig\nconfiguration: {}\n';
    assert.deepEqual(errors(await load({ '/w/cp.yaml': doc }, 'cp.yaml')), [
      'cp.yaml:1:1: admission control plugin name is required',
    ]);
  });

  it('a type mismatch in a patch is located', async () => {
    const r = await load({ '/w/p.yaml': patch('exemptions:\n  namespaces: monitoring') }, undefined, ['p.yaml']);
    assert.match(
      errors(r)[0]!,
      /^p\.yaml:7:25: cluster\.apiServer\.admissionControl\[PodSecurity\]\.configuration\.exemptions\.namespaces: cannot merge a string into a list$/,
    );
  });

  it('embedded configurations keep upstream load errors, located', async () => {
    const r = await load({ '/w/cp.yaml': LEGACY, '/w/p.yaml': patch('defaults:\n  audit: 5') }, 'cp.yaml', ['p.yaml']);
    assert.deepEqual(errors(r), [
      'p.yaml:7:20: json: cannot unmarshal number into Go struct field PodSecurityDefaults.defaults.audit of type string',
    ]);
  });
});

describe('loadConfiguration: plugin entries', () => {
  it('a PodSecurityConfiguration field directly in the Talos entry is located and explained', async () => {
    const p =
      'cluster:\n  apiServer:\n    admissionControl:\n      - name: PodSecurity\n        defaults:\n          enforce: restricted\n';
    assert.deepEqual(errors(await load({ '/w/p.yaml': p }, undefined, ['p.yaml'])), [
      'p.yaml:5:9: unknown field "defaults" in cluster.apiServer.admissionControl entry; it belongs under "configuration" (Talos rejects the machine config)',
    ]);
  });
  it('kube-apiserver ignores unknown plugin entry fields: a warning', async () => {
    const ac =
      'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    configurations: {}\n';
    const r = await load({ '/w/ac.yaml': ac }, 'ac.yaml');
    assert.ok(r.ok);
    assert.equal(r.findings[0]?.code, 'ignored-field');
    assert.equal(r.settings.defaults.enforce.level, 'privileged');
  });
});
