// psa audit against a real kube-apiserver (test/e2e/kube-apiserver; skipped when absent) whose built-in PodSecurity
// plugin runs Talos' default configuration, as psa audit assumes without --config. Namespaces with pods of every
// level are created under privileged labels; then, for every namespace and level, the pods psa audit counts as
// refused must be exactly those named in the warnings of a real `kubectl label --dry-run=server --overwrite` (a
// dry-run PATCH of the enforce label, same server, same moment). A user who may only list namespaces gets a clear
// permission error and a partial report. Then the namespaces are relabelled for real and `-o policyreport`'s per-pod
// results are held against the server pod by pod: `fail` exactly for the pods whose copy it refuses (with the same
// reasons), `warn` for those it admits with a warning; the report CRDs are installed and the reports, including a
// 20,000-pod namespace's split ones, go in with a plain `kubectl apply` and out with `kubectl delete -l`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { renderDocument, TALOS_DEFAULT_POD_SECURITY } from '../../src/config/index.ts';
import { psa } from '../cli/helpers.ts';
import { createTestPki, type TestPki } from '../server/certs.ts';
import { manyPodsDump } from '../policy-report/many-pods.ts';
import { ADMIN, available, BINARY, startApiServer, type ApiServer } from './apiserver.ts';

const KUBECTL = '/usr/bin/kubectl';
const run = promisify(execFile);

/** The labels each namespace gets for the policy report test: enforce, then warn = audit. */
const RELABEL: Readonly<Record<string, readonly [string, string]>> = {
  'all-levels': ['baseline', 'restricted'],
  'baseline-only': ['restricted', 'restricted'],
  'restricted-only': ['restricted', 'restricted'],
  agents: ['baseline', 'baseline'],
};

interface ReportResult {
  readonly rule: string;
  readonly result: string;
  readonly message: string;
  readonly resources: readonly { readonly name: string; readonly uid?: string }[];
}
interface Report {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly summary: Record<string, number>;
  readonly results: readonly ReportResult[];
}

const LISTER = 'lister-token';
const ROOT_DIR = join(import.meta.dirname, '..', '..');
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
    // The 20,000-pod reports (140 objects of up to 192 KiB) take a minute or two through kubectl apply.
    timeout: 600_000,
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

    it(
      'per-pod policy report: fail exactly where the server refuses, warn where it warns; kubectl apply takes it',
      {
        skip: existsSync(KUBECTL) ? false : `${KUBECTL} not installed`,
      },
      async () => {
        for (const [ns, [enforce, warn]] of Object.entries(RELABEL)) {
          const answer = await server.call('PATCH', `/api/v1/namespaces/${ns}`, {
            metadata: { labels: { [`${P}enforce`]: enforce, [`${P}warn`]: warn, [`${P}audit`]: warn } },
          });
          assert.equal(answer.status, 200, JSON.stringify(answer.body));
        }
        const r = await psa(['audit', '--kubeconfig', adminConfig, '-o', 'policyreport'], {
          env: { SOURCE_DATE_EPOCH: '1767225600' },
        });
        assert.equal(r.stderr, '');
        assert.equal(r.code, 1, 'the new labels refuse pods');
        const reports = parseAllDocuments(r.stdout).map((d) => d.toJS() as Report);
        let compared = 0;
        for (const ns of Object.keys(RELABEL)) {
          const results = reports.filter((x) => x.metadata.namespace === ns).flatMap((x) => x.results);
          const ofPod = (name: string, result: string): string =>
            results
              .filter((x) => x.resources[0]!.name === name && x.result === result)
              .map((x) => x.message)
              .join(', ');
          const listed = await server.call('GET', `/api/v1/namespaces/${ns}/pods`);
          const items = listed.body['items'] as { metadata: Record<string, unknown>; spec: unknown }[];
          for (const pod of items) {
            const name = pod.metadata['name'] as string;
            const uids = new Set(results.filter((x) => x.resources[0]!.name === name).map((x) => x.resources[0]!.uid));
            assert.deepEqual([...uids], [pod.metadata['uid']], `${ns}/${name}: the pod's uid`);
            // The same pod created again now (dry run): what the server refuses or warns about.
            const copy = await server.call('POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: {
                name: `${name}-copy`,
                labels: pod.metadata['labels'] ?? {},
                ownerReferences: pod.metadata['ownerReferences'] ?? [],
              },
              spec: pod.spec,
            });
            const [enforce, warn] = RELABEL[ns]!;
            const failed = ofPod(name, 'fail');
            if (copy.status === 403) {
              const message = (copy.body['message'] as string).replace(/^pods ".*?" is forbidden: /, '');
              assert.equal(`violates PodSecurity "${enforce}:latest": ${failed}`, message, `${ns}/${name}`);
            } else {
              assert.equal(copy.status, 201, `${ns}/${name}: ${JSON.stringify(copy.body)}`);
              assert.equal(failed, '', `${ns}/${name}: admitted, so no fail result`);
              const warned = ofPod(name, 'warn');
              assert.deepEqual(
                copy.warnings,
                warned === '' ? [] : [`would violate PodSecurity "${warn}:latest": ${warned}`],
                `${ns}/${name}`,
              );
              assert.equal(ofPod(name, 'pass') !== '', warned === '', `${ns}/${name}: a pass only when clean`);
            }
            compared++;
          }
        }
        assert.equal(compared, 17);

        // The report CRDs, as the test data ships them, then the reports through kubectl.
        for (const file of ['wgpolicyk8s.io_policyreports.json', 'openreports.io_reports.json']) {
          const crd = JSON.parse(readFileSync(join(ROOT_DIR, 'test/policy-report/schemas', file), 'utf8'));
          const answer = await server.call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
          assert.equal(answer.status, 201, JSON.stringify(answer.body));
        }
        const kubectl = (...args: string[]) =>
          run(KUBECTL, ['--kubeconfig', adminConfig, ...args], { maxBuffer: 1 << 26 });
        const deadline = Date.now() + 60_000;
        for (;;) {
          const ready = await kubectl('get', 'policyreports.wgpolicyk8s.io,reports.openreports.io', '-A').then(
            () => true,
            () => false,
          );
          if (ready) break;
          assert.ok(Date.now() < deadline, 'the report CRDs are served within 60 s');
          await new Promise((wait) => setTimeout(wait, 250));
        }
        const small = join(dir, 'reports.yaml');
        writeFileSync(small, r.stdout);
        await kubectl('apply', '-f', small);
        const openreports = await psa(
          ['audit', '--kubeconfig', adminConfig, '-o', 'policyreport', '--report-api', 'openreports.io/v1alpha1'],
          { env: { SOURCE_DATE_EPOCH: '1767225600' } },
        );
        writeFileSync(small, openreports.stdout);
        await kubectl('apply', '-f', small);
        const stored = JSON.parse((await kubectl('get', 'policyreports', '-A', '-o', 'json')).stdout) as {
          items: Report[];
        };
        assert.deepEqual(
          stored.items.map((x) => [x.metadata.namespace, x.metadata.name, x.summary, x.results.length]),
          reports.map((x) => [x.metadata.namespace, x.metadata.name, x.summary, x.results.length]),
          'stored as written: nothing pruned',
        );

        // 20,000 pods in one namespace (from a dump): split reports, each small enough for a client-side apply.
        await server.call('POST', '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'big' },
        });
        const dump = join(dir, 'big.json');
        writeFileSync(dump, manyPodsDump('big', 20_000));
        const big = await psa(['audit', '--from', dump, '-o', 'policyreport'], {
          env: { SOURCE_DATE_EPOCH: '1767225600' },
        });
        assert.equal(big.stderr, '');
        const bigReports = parseAllDocuments(big.stdout).map((d) => d.toJS() as Report);
        assert.ok(bigReports.length > 100, `${bigReports.length} reports`);
        const bigFile = join(dir, 'big.yaml');
        writeFileSync(bigFile, big.stdout);
        await kubectl('apply', '-f', bigFile);
        const names = (await kubectl('get', 'policyreports', '-n', 'big', '-o', 'name')).stdout.trim().split('\n');
        assert.equal(names.length, bigReports.length);
        const summaries = await kubectl(
          'get',
          'policyreports',
          '-n',
          'big',
          '-o',
          'jsonpath={range .items[*]}{.summary.pass} {.summary.fail} {.summary.warn}{"\\n"}{end}',
        );
        const summed = summaries.stdout
          .trim()
          .split('\n')
          .reduce((sum, line) => sum + line.split(' ').reduce((a, n) => a + Number(n), 0), 0);
        assert.equal(summed, 52_000, 'every pod result stored');
        // A previous run's reports go with one label selector.
        const kinds = 'policyreports.wgpolicyk8s.io,reports.openreports.io';
        await kubectl('delete', kinds, '-A', '-l', 'app.kubernetes.io/managed-by=psa');
        const left = await kubectl('get', kinds, '-A', '-o', 'name');
        assert.equal(left.stdout.trim(), '');
      },
    );
  },
);
