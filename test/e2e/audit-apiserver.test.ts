// psa audit against a real kube-apiserver (test/e2e/kube-apiserver; skipped when absent) whose built-in PodSecurity
// plugin runs Talos' default configuration, as psa audit assumes without --config. Namespaces with pods of every
// level are created under privileged labels; then, for every namespace and level, the pods psa audit counts as
// refused must be exactly those named in the warnings of a real `kubectl label --dry-run=server --overwrite` (a
// dry-run PATCH of the enforce label, same server, same moment). A user who may only list namespaces gets a clear
// permission error and a partial report.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderDocument, TALOS_DEFAULT_POD_SECURITY } from '../../src/config/index.ts';
import { psa } from '../cli/helpers.ts';
import { createTestPki, type TestPki } from '../server/certs.ts';
import { ADMIN, available, BINARY, startApiServer, type ApiServer } from './apiserver.ts';

const LISTER = 'lister-token';
const P = 'pod-security.kubernetes.io/';
const PRIVILEGED_LABELS = { [`${P}enforce`]: 'privileged', [`${P}warn`]: 'privileged', [`${P}audit`]: 'privileged' };

const SPECS = {
  hardened: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  },
  plain: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
  hostPath: {
    containers: [{ name: 'app', image: 'nginx:1.27' }],
    volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }],
  },
  privileged: {
    hostNetwork: true,
    containers: [{ name: 'agent', image: 'agent:2', securityContext: { privileged: true } }],
  },
} as const;

type SpecName = keyof typeof SPECS;

/** Namespace -> its pods (name -> spec). Every level met, several reasons, counts above two for the "(and N other pods)" lines. */
const CLUSTER: Readonly<Record<string, Readonly<Record<string, SpecName>>>> = {
  'all-levels': {
    'hardened-a': 'hardened',
    'plain-a': 'plain',
    'plain-b': 'plain',
    'agent-a': 'privileged',
    logs: 'hostPath',
  },
  'baseline-only': { 'web-1': 'plain', 'web-2': 'plain', 'web-3': 'plain', 'web-4': 'plain' },
  'restricted-only': { 'secure-1': 'hardened', 'secure-2': 'hardened' },
  empty: {},
  agents: {
    'node-agent-1': 'privileged',
    'node-agent-2': 'privileged',
    'node-agent-3': 'privileged',
    'b-logs': 'hostPath',
  },
};

describe(
  'psa audit against a real kube-apiserver',
  {
    skip: available
      ? false
      : `${BINARY} not built (cd test/e2e/kube-apiserver && go build -o bin/kube-apiserver-e2e .)`,
    timeout: 300_000,
  },
  () => {
    let pki: TestPki;
    let dir: string;
    let server: ApiServer;
    let adminConfig: string;
    let listerConfig: string;

    const kubeconfig = (name: string, token: string): string => {
      const path = join(dir, `kubeconfig-${name}`);
      writeFileSync(
        path,
        `apiVersion: v1\nkind: Config\nclusters:\n  - name: e2e\n    cluster:\n      server: https://127.0.0.1:${String(server.port)}\n      certificate-authority: ${pki.caFile}\nusers:\n  - name: ${name}\n    user:\n      token: ${token}\ncontexts:\n  - name: e2e\n    context: {cluster: e2e, user: ${name}}\ncurrent-context: e2e\n`,
      );
      return path;
    };

    before(async () => {
      pki = createTestPki();
      dir = mkdtempSync(join(tmpdir(), 'psa-audit-e2e-'));
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      writeFileSync(
        join(dir, 'tokens.csv'),
        `${ADMIN},admin,admin-uid,system:masters\n${LISTER},ns-lister,lister-uid\n`,
      );
      writeFileSync(
        join(dir, 'audit-policy.yaml'),
        'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: None\n',
      );
      const admission = join(dir, 'admission.yaml');
      // Talos' default PodSecurityConfiguration, exactly what psa audit evaluates without --config.
      const talosDefault = renderDocument(TALOS_DEFAULT_POD_SECURITY, 'yaml');
      writeFileSync(
        admission,
        `apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    configuration:\n${talosDefault.replace(/^/gm, '      ')}`,
      );
      server = await startApiServer('audit', pki, dir, [
        `--admission-control-config-file=${admission}`,
        '--disable-admission-plugins=ServiceAccount',
      ]);
      const call = async (method: string, path: string, body: unknown): Promise<Record<string, unknown>> => {
        const answer = await server.call(method, path, body);
        assert.ok(answer.status === 201 || answer.status === 200, `${method} ${path}: ${JSON.stringify(answer.body)}`);
        return answer.body;
      };
      // Only `list` on namespaces for ns-lister.
      await call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'namespace-lister' },
        rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }],
      });
      await call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'namespace-lister' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'namespace-lister' },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ns-lister' }],
      });
      for (const [ns, pods] of Object.entries(CLUSTER)) {
        await call('POST', '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns, labels: PRIVILEGED_LABELS },
        });
        for (const [name, spec] of Object.entries(pods))
          await call('POST', `/api/v1/namespaces/${ns}/pods`, {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name },
            spec: SPECS[spec],
          });
      }
      // A Deployment's ReplicaSet owning pods (no controller manager runs: the owner references are set by hand).
      const deployment = await call('POST', '/apis/apps/v1/namespaces/baseline-only/deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'shop' },
        spec: {
          selector: { matchLabels: { app: 'shop' } },
          template: { metadata: { labels: { app: 'shop' } }, spec: SPECS.plain },
        },
      });
      const deploymentUid = (deployment['metadata'] as { uid: string }).uid;
      const replicaSet = await call('POST', '/apis/apps/v1/namespaces/baseline-only/replicasets', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'shop-6c9f5d7b8',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop', uid: deploymentUid, controller: true },
          ],
        },
        spec: {
          selector: { matchLabels: { app: 'shop' } },
          template: { metadata: { labels: { app: 'shop' } }, spec: SPECS.plain },
        },
      });
      const replicaSetUid = (replicaSet['metadata'] as { uid: string }).uid;
      for (const suffix of ['x1', 'x2'])
        await call('POST', '/api/v1/namespaces/baseline-only/pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: `shop-6c9f5d7b8-${suffix}`,
            labels: { app: 'shop' },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: 'shop-6c9f5d7b8',
                uid: replicaSetUid,
                controller: true,
              },
            ],
          },
          spec: SPECS.plain,
        });
      adminConfig = kubeconfig('admin', ADMIN);
      listerConfig = kubeconfig('lister', LISTER);
    });

    after(() => {
      server?.child.kill('SIGKILL');
      pki?.cleanup();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    it('counts as refused exactly the pods in the warnings of a dry-run relabel, per namespace and level', async () => {
      const r = await psa(['audit', '--kubeconfig', adminConfig, '-o', 'json']);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0, 'every namespace is labelled privileged');
      const report = JSON.parse(r.stdout) as {
        complete: boolean;
        namespaces: {
          name: string;
          pods: number;
          levels: Record<
            string,
            { refused: number; warnings: string[]; owners: { kind: string; name: string; pods: number }[] }
          >;
        }[];
      };
      assert.equal(report.complete, true);
      let compared = 0;
      for (const [ns, pods] of Object.entries(CLUSTER)) {
        const audited = report.namespaces.find((n) => n.name === ns);
        assert.ok(audited !== undefined, ns);
        assert.equal(audited.pods, Object.keys(pods).length + (ns === 'baseline-only' ? 2 : 0));
        for (const level of ['privileged', 'baseline', 'restricted']) {
          // kubectl label --dry-run=server --overwrite ns NS pod-security.kubernetes.io/enforce=LEVEL
          const answer = await server.call('PATCH', `/api/v1/namespaces/${ns}?dryRun=All`, {
            metadata: { labels: { [`${P}enforce`]: level } },
          });
          assert.equal(answer.status, 200, JSON.stringify(answer.body));
          const outcome: { refused: number; warnings: string[] } = audited.levels[level]!;
          assert.deepEqual(outcome.warnings, answer.warnings, `${ns} at ${level}`);
          // The warnings name one pod per reason set and count the others: their sum is the refused count.
          const named = answer.warnings
            .slice(1)
            .reduce((sum, w) => sum + 1 + Number(/\(and (\d+) other pods?\)/.exec(w)?.[1] ?? 0), 0);
          assert.equal(outcome.refused, named, `${ns} at ${level}: refused count`);
          compared++;
        }
      }
      assert.equal(compared, 15);
      const baselineOnly = report.namespaces.find((n) => n.name === 'baseline-only')!;
      assert.deepEqual(
        baselineOnly.levels['restricted']!.owners.map((o) => `${o.kind}/${o.name}:${o.pods}`),
        ['Deployment/shop:2', 'Pod/web-1:1', 'Pod/web-2:1', 'Pod/web-3:1', 'Pod/web-4:1'],
      );
    });

    it('reads the same with one item per page', async () => {
      const env = { SOURCE_DATE_EPOCH: '1767225600' };
      const whole = await psa(['audit', '--kubeconfig', adminConfig, '-o', 'json'], { env });
      const paged = await psa(['audit', '--kubeconfig', adminConfig, '-o', 'json', '--page-size', '1'], { env });
      assert.equal(paged.stdout, whole.stdout);
    });

    it('a user who may only list namespaces gets the permission errors and a partial report', async () => {
      const r = await psa(['audit', '--kubeconfig', listerConfig, '-o', 'json']);
      assert.equal(r.code, 2);
      const errors = r.stderr.trim().split('\n');
      assert.equal(errors.length, 9, r.stderr);
      assert.ok(
        errors.includes(
          'error: cannot list pods at the cluster scope: 403 Forbidden: the user lacks the "list" permission on pods (pods is forbidden: User "ns-lister" cannot list resource "pods" in API group "" at the cluster scope)',
        ),
        r.stderr,
      );
      assert.ok(
        errors.some((e) => e.startsWith('error: cannot list deployments.apps at the cluster scope: 403 Forbidden')),
      );
      const report = JSON.parse(r.stdout);
      assert.equal(report.complete, false);
      assert.ok(
        report.namespaces.some((n: { name: string }) => n.name === 'all-levels'),
        'the namespaces were read',
      );
    });
  },
);
