// The webhook's own deployment artefacts: the pods they create pass `restricted`, RBAC is least-privilege, and the
// webhook configuration enforces pods/namespaces (Fail) and advises on workloads (Ignore), excluding its own namespace.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { parseLevelVersion } from '../../src/api/level-version.ts';
import { decodeWorkload } from '../../src/k8s/workloads.ts';
import { evaluatePod } from '../../src/policy/evaluator.ts';

// Manifests are free-form YAML walked by path in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const BASE = 'deploy/base';
const restricted = (() => {
  const parsed = parseLevelVersion('restricted:latest');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
})();

function documents(file: string): Loose[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS());
}

function assertRestricted(workload: unknown, where: string): void {
  const decoded = decodeWorkload(workload);
  assert.ok(decoded.podBearing, `${where}: not a pod-bearing object`);
  if (!decoded.podBearing) return;
  assert.deepEqual(decoded.issues, [], `${where}: decode issues`);
  assert.ok(decoded.template !== null);
  if (decoded.template === null) return;
  const result = evaluatePod(restricted, decoded.template.metadata, decoded.template.spec);
  assert.equal(result.forbiddenDetail, '', `${where} violates restricted`);
  assert.ok(result.allowed);
}

describe('deploy/base (kustomize)', () => {
  it('the Deployment passes restricted:latest and keeps a read-only root filesystem', () => {
    const [deployment] = documents(join(BASE, 'deployment.yaml'));
    assertRestricted(deployment, 'deploy/base/deployment.yaml');
    const container = deployment!['spec']['template']['spec']['containers'][0];
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(deployment!['spec']['replicas'], 2);
    assert.ok(deployment!['spec']['template']['spec']['affinity']['podAntiAffinity']);
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
  });

  it('a pod missing one hardening field would be caught (the check above is not vacuous)', () => {
    const [deployment] = documents(join(BASE, 'deployment.yaml'));
    delete deployment!['spec']['template']['spec']['containers'][0]['securityContext']['allowPrivilegeEscalation'];
    const decoded = decodeWorkload(deployment);
    assert.ok(decoded.podBearing && decoded.template !== null);
    if (!decoded.podBearing || decoded.template === null) return;
    assert.equal(
      evaluatePod(restricted, decoded.template.metadata, decoded.template.spec).forbiddenReason,
      'allowPrivilegeEscalation != false',
    );
  });

  it('its namespace is labelled enforce=restricted', () => {
    const [namespace] = documents(join(BASE, 'namespace.yaml'));
    assert.equal(namespace!['metadata']['labels']['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  it('RBAC grants only get/list/watch on namespaces and list on pods', () => {
    const [role] = documents(join(BASE, 'rbac.yaml'));
    assert.deepEqual(role!['rules'], [
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    ]);
  });

  it('the webhooks: enforcing (Fail) for pods and namespaces, advisory (Ignore) for workloads, own namespace excluded', () => {
    const [config] = documents(join(BASE, 'validatingwebhookconfiguration.yaml'));
    const [enforcing, advisory] = config!['webhooks'];
    assert.equal(enforcing.failurePolicy, 'Fail');
    assert.deepEqual(enforcing.rules[0].resources, ['namespaces', 'pods', 'pods/ephemeralcontainers']);
    assert.equal(advisory.failurePolicy, 'Ignore');
    assert.deepEqual(advisory.rules.flatMap((rule: { resources: string[] }) => rule.resources).sort(), [
      'cronjobs',
      'daemonsets',
      'deployments',
      'jobs',
      'podtemplates',
      'replicasets',
      'replicationcontrollers',
      'statefulsets',
    ]);
    for (const hook of [enforcing, advisory]) {
      assert.ok(hook.timeoutSeconds > 0 && hook.timeoutSeconds <= 10);
      assert.deepEqual(hook.admissionReviewVersions, ['v1']);
      assert.equal(hook.sideEffects, 'None');
      assert.deepEqual(hook.namespaceSelector.matchExpressions, [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['psa-system'] },
      ]);
      for (const rule of hook.rules) assert.deepEqual(rule.operations, ['CREATE', 'UPDATE']);
    }
  });

  it('the ConfigMap holds a configuration the webhook accepts', async () => {
    const { createSettingsLoader } = await import('../../src/server/serve.ts');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const [configMap] = documents(join(BASE, 'configmap.yaml'));
    const dir = mkdtempSync(join(tmpdir(), 'psa-cm-'));
    try {
      writeFileSync(join(dir, 'c.yaml'), configMap!['data']['podsecurityconfiguration.yaml']);
      const loaded = await createSettingsLoader({ configFile: 'c.yaml', talosPatches: [] }, dir)();
      assert.ok(loaded.ok, loaded.ok ? '' : loaded.message);
      if (loaded.ok) assert.deepEqual(loaded.value.exemptions.namespaces, ['kube-system']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/helm/psa', () => {
  it('the pod the chart renders from its default values passes restricted:latest', () => {
    const values = parse(readFileSync('deploy/helm/psa/values.yaml', 'utf8'));
    // The chart's deployment template copies these values verbatim (toYaml) into the pod template.
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'psa' },
      spec: {
        template: {
          metadata: { labels: { app: 'psa' } },
          spec: {
            securityContext: values['podSecurityContext'],
            containers: [{ name: 'webhook', image: 'psa', securityContext: values['securityContext'] }],
          },
        },
      },
    };
    assertRestricted(deployment, 'helm values');
    assert.equal(values['securityContext']['readOnlyRootFilesystem'], true);
    const template = readFileSync('deploy/helm/psa/templates/deployment.yaml', 'utf8');
    assert.match(template, /securityContext:\n\s+\{\{- toYaml \.Values\.podSecurityContext \| nindent 8 \}\}/);
    assert.match(template, /securityContext:\n\s+\{\{- toYaml \.Values\.securityContext \| nindent 12 \}\}/);
    assert.doesNotMatch(template, /hostNetwork|hostPID|hostPath|privileged/);
  });
});

describe('deploy/helm/psa rendered with helm', () => {
  const helm = process.env['PSA_HELM'] ?? 'helm';
  let rendered: string | undefined;
  try {
    rendered = execFileSync(helm, ['template', 'psa', 'deploy/helm/psa', '--namespace', 'psa-system'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    rendered = undefined;
  }
  it(
    'renders a Deployment that passes restricted:latest and both webhooks',
    { skip: rendered === undefined ? `no helm binary (${helm}); set PSA_HELM` : false },
    () => {
      const docs = parseAllDocuments(rendered ?? '')
        .map((doc) => doc.toJS())
        .filter((doc) => doc !== null);
      const deployment = docs.find((doc) => doc.kind === 'Deployment');
      assertRestricted(deployment, 'helm template Deployment');
      const config = docs.find((doc) => doc.kind === 'ValidatingWebhookConfiguration');
      assert.deepEqual(
        config.webhooks.map((hook: Loose) => [hook.failurePolicy, hook.namespaceSelector.matchExpressions[0].values]),
        [
          ['Fail', ['psa-system']],
          ['Ignore', ['psa-system']],
        ],
      );
      assert.equal(config.metadata.annotations['cert-manager.io/inject-ca-from'], 'psa-system/psa-tls');
    },
  );
});
