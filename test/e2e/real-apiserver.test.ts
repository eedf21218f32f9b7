// psa behind a real kube-apiserver (built from k8s.io/kubernetes in test/e2e/kube-apiserver; skipped when absent), for a
// plain PodSecurityConfiguration and for a Talos machine config with a patch: two API servers with the same
// configuration, one enforcing it with its built-in PodSecurity plugin, the other with the plugin disabled and psa
// registered as a webhook through deploy/'s own RBAC and ValidatingWebhookConfiguration. The same requests
// (namespaces, pods, ephemeral containers, workloads, relabels, exempt users, dry runs) go to both through the API,
// and every answer must be the same: status, message (the webhook's carries the API server's `admission webhook "..."
// denied the request: ` prefix), warnings and audit annotations (from both servers' audit logs).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { createTestPki, type TestPki } from '../server/certs.ts';
import { ADMIN, available, BINARY, startApiServer, type ApiAnswer, type ApiServer } from './apiserver.ts';
import { startTestWebhook, type TestWebhook } from '../server/webhook-fixture.ts';

const EXEMPT_USER_TOKEN = 'exempt-token';
const WEBHOOK_PREFIX = /^admission webhook "[^"]+" denied the request: /;

const CONFIG = `apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults:
  enforce: baseline
  enforce-version: latest
  audit: restricted
  audit-version: latest
  warn: restricted
  warn-version: latest
exemptions:
  usernames: [exempt-user]
  runtimeClasses: [exempt-class]
  namespaces: [kube-system, exempt-ns]
`;

/**
 * One cluster configuration, given to the API server's built-in plugin as a PodSecurityConfiguration and to psa in
 * whatever form psa is meant to read it.
 */
interface Scenario {
  readonly title: string;
  /** The plugin's configuration, as the API server's AdmissionConfiguration carries it inline. */
  readonly plugin: string;
  /** psa's `--config` file content and further flags. */
  readonly psaConfig: string;
  readonly psaArgs: readonly string[];
}

const TALOS_CONTROLPLANE = 'examples/talos/controlplane.yaml';
const TALOS_PATCH = 'examples/talos/patch-exempt-namespace.yaml';

const SCENARIOS: readonly Scenario[] = [
  {
    title: 'a PodSecurityConfiguration with every kind of exemption',
    plugin: CONFIG,
    psaConfig: CONFIG,
    psaArgs: [],
  },
  {
    // What Talos renders for kube-apiserver from its machine config: the admissionControl entry as the plugin's
    // configuration, with the patch's namespace appended to the exempt list (Talos appends lists when it merges).
    title: `a Talos machine config (${TALOS_CONTROLPLANE}) with a patch (${TALOS_PATCH})`,
    plugin: `apiVersion: pod-security.admission.config.k8s.io/v1alpha1
kind: PodSecurityConfiguration
defaults:
  audit: restricted
  audit-version: latest
  enforce: baseline
  enforce-version: latest
  warn: restricted
  warn-version: latest
exemptions:
  namespaces: [kube-system, monitoring]
  runtimeClasses: []
  usernames: []
`,
    psaConfig: readFileSync(TALOS_CONTROLPLANE, 'utf8'),
    psaArgs: ['--talos-patch', resolve(TALOS_PATCH)],
  },
];

/** The API path objects of `kind` are created at (namespaced kinds in `namespace`). */
function collectionPath(kind: string, namespace: string): string {
  const core = `/api/v1/namespaces/${namespace}`;
  const paths: Readonly<Record<string, string>> = {
    Namespace: '/api/v1/namespaces',
    ServiceAccount: `${core}/serviceaccounts`,
    ConfigMap: `${core}/configmaps`,
    ResourceQuota: `${core}/resourcequotas`,
    Service: `${core}/services`,
    Deployment: `/apis/apps/v1/namespaces/${namespace}/deployments`,
    PodDisruptionBudget: `/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets`,
    ClusterRole: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    ClusterRoleBinding: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    ValidatingWebhookConfiguration: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
  };
  const path = paths[kind];
  assert.ok(path !== undefined, `no API path for ${kind}`);
  return path;
}

const P = 'pod-security.kubernetes.io/';

function namespace(name: string, labels: Record<string, string>): unknown {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

const SPECS = {
  hardened: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1.4.2',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
    ],
  },
  plain: {
    containers: [
      { name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'envoy:1.30' },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }],
  },
  privileged: {
    hostNetwork: true,
    hostPID: true,
    containers: [
      {
        name: 'agent',
        image: 'agent:2',
        securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } },
        ports: [{ containerPort: 9100, hostPort: 9100 }],
      },
    ],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  },
} as const;

function pod(name: string, spec: unknown): unknown {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec };
}

function template(spec: unknown): unknown {
  return { metadata: { labels: { app: 'web' } }, spec };
}

const SELECTOR = { matchLabels: { app: 'web' } };

/** A workload of each kind the advisory hook covers with the privileged pod template, and a plain Deployment. */
function workloads(ns: string): { readonly path: string; readonly body: unknown }[] {
  const spec = SPECS.privileged;
  const meta = { name: 'wl' };
  return [
    {
      path: `/apis/apps/v1/namespaces/${ns}/deployments`,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'plain' },
        spec: { selector: SELECTOR, template: template(SPECS.plain) },
      },
    },
    {
      path: `/apis/apps/v1/namespaces/${ns}/deployments`,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta,
        spec: { selector: SELECTOR, template: template(spec) },
      },
    },
    {
      path: `/apis/apps/v1/namespaces/${ns}/daemonsets`,
      body: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta,
        spec: { selector: SELECTOR, template: template(spec) },
      },
    },
    {
      path: `/apis/apps/v1/namespaces/${ns}/statefulsets`,
      body: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta,
        spec: { selector: SELECTOR, serviceName: 'wl', template: template(spec) },
      },
    },
    {
      path: `/apis/apps/v1/namespaces/${ns}/replicasets`,
      body: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: meta,
        spec: { selector: SELECTOR, template: template(spec) },
      },
    },
    {
      path: `/apis/batch/v1/namespaces/${ns}/jobs`,
      body: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: meta,
        spec: { template: { spec: { ...spec, restartPolicy: 'Never' } } },
      },
    },
    {
      path: `/apis/batch/v1/namespaces/${ns}/cronjobs`,
      body: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta,
        spec: {
          schedule: '*/5 * * * *',
          jobTemplate: { spec: { template: { spec: { ...spec, restartPolicy: 'Never' } } } },
        },
      },
    },
    {
      path: `/api/v1/namespaces/${ns}/replicationcontrollers`,
      body: {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: meta,
        spec: { selector: { app: 'web' }, template: template(spec) },
      },
    },
    {
      path: `/api/v1/namespaces/${ns}/podtemplates`,
      body: { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta, template: template(spec) },
    },
  ];
}

/**
 * The Pod Security audit annotations of each step's completed request, keyed by the step's field manager, with the
 * annotation keys' prefix (plugin or webhook name) taken off.
 */
function auditAnnotations(file: string, prefix: RegExp): Map<string, Record<string, string>> {
  const byStep = new Map<string, Record<string, string>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const event = JSON.parse(line) as { stage?: string; requestURI?: string; annotations?: Record<string, string> };
    const step = /[?&]fieldManager=(step-\d+)/.exec(event.requestURI ?? '')?.[1];
    if (step === undefined || event.stage !== 'ResponseComplete') continue;
    const annotations: Record<string, string> = {};
    for (const [key, value] of Object.entries(event.annotations ?? {}))
      if (prefix.test(key)) annotations[key.replace(prefix, '')] = value;
    byStep.set(step, annotations);
  }
  return byStep;
}

/**
 * Waits until the API server's watch cache holds the object an update returned (a GET with that resourceVersion is
 * answered from the cache once it is at least that new).
 */
async function waitForCache(server: ApiServer, path: string, answer: ApiAnswer): Promise<void> {
  if (answer.status !== 200) return;
  const metadata = answer.body['metadata'] as { resourceVersion?: string } | undefined;
  const version = metadata?.resourceVersion;
  if (version === undefined) return;
  const object = path.replace(/\?.*$/, '').replace(/\/ephemeralcontainers$/, '');
  const read = await server.call('GET', `${object}?resourceVersion=${version}`);
  assert.equal(read.status, 200, `${server.name}: GET ${object} at ${version}: ${JSON.stringify(read.body)}`);
}

interface Step {
  readonly title: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly token?: string;
  /**
   * Wait for the namespace caches (the built-in plugin's informer and psa's) to see this change. Only relabels need
   * it: a namespace missing from a cache is read live by both, a relabelled one would be read stale.
   */
  readonly settle?: boolean;
}

/** What the client sees, with the webhook's message prefix taken off. */
function verdict(answer: ApiAnswer): { status: number; message: string | undefined; warnings: readonly string[] } {
  const message = typeof answer.body['message'] === 'string' ? answer.body['message'] : undefined;
  return {
    status: answer.status,
    message: answer.status >= 400 ? message?.replace(WEBHOOK_PREFIX, '') : undefined,
    warnings: answer.warnings,
  };
}

for (const scenario of SCENARIOS)
  describe(
    `psa behind a real kube-apiserver, against its built-in PodSecurity plugin: ${scenario.title}`,
    {
      skip: available
        ? false
        : `${BINARY} not built (cd test/e2e/kube-apiserver && go build -o bin/kube-apiserver-e2e .)`,
      timeout: 600_000,
    },
    () => {
      let pki: TestPki;
      let dir: string;
      let builtin: ApiServer;
      let webhooked: ApiServer;
      let psa: TestWebhook;

      before(async () => {
        pki = createTestPki();
        dir = mkdtempSync(join(tmpdir(), 'psa-e2e-'));
        const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
        writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
        writeFileSync(
          join(dir, 'tokens.csv'),
          `${ADMIN},admin,admin-uid,system:masters\n${EXEMPT_USER_TOKEN},exempt-user,exempt-uid,system:masters\n`,
        );
        writeFileSync(
          join(dir, 'audit-policy.yaml'),
          'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n',
        );
        const admission = join(dir, 'admission.yaml');
        writeFileSync(
          admission,
          `apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    configuration:\n${scenario.plugin.replace(/^/gm, '      ')}`,
        );
        [builtin, webhooked] = await Promise.all([
          startApiServer('builtin', pki, dir, [
            `--admission-control-config-file=${admission}`,
            '--disable-admission-plugins=ServiceAccount',
          ]),
          startApiServer('webhook', pki, dir, ['--disable-admission-plugins=PodSecurity,ServiceAccount']),
        ]);

        // The RuntimeClass admission plugin refuses pods naming a RuntimeClass that does not exist.
        for (const server of [builtin, webhooked]) {
          const runtimeClass = {
            apiVersion: 'node.k8s.io/v1',
            kind: 'RuntimeClass',
            metadata: { name: 'exempt-class' },
            handler: 'runc',
          };
          const created = await server.call('POST', '/apis/node.k8s.io/v1/runtimeclasses', runtimeClass);
          assert.equal(created.status, 201, JSON.stringify(created.body));
        }

        // psa's identity in the cluster: deploy/'s namespace, service account and least-privilege RBAC, and a token for it.
        for (const file of ['namespace.yaml', 'serviceaccount.yaml', 'rbac.yaml']) {
          for (const document of parseAllDocuments(readFileSync(join('deploy/base', file), 'utf8'))) {
            const object = document.toJS() as { kind: string };
            const created = await webhooked.call('POST', collectionPath(object.kind, 'psa-system'), object);
            assert.equal(created.status, 201, `${file}: ${JSON.stringify(created.body)}`);
          }
        }
        const tokenRequest = await webhooked.call(
          'POST',
          '/api/v1/namespaces/psa-system/serviceaccounts/psa-webhook/token',
          { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
        );
        assert.equal(tokenRequest.status, 201, JSON.stringify(tokenRequest.body));
        const token = (tokenRequest.body['status'] as { token: string }).token;
        const kubeconfig = join(dir, 'kubeconfig');
        writeFileSync(
          kubeconfig,
          `apiVersion: v1\nkind: Config\nclusters:\n  - name: e2e\n    cluster:\n      server: https://127.0.0.1:${String(webhooked.port)}\n      certificate-authority: ${pki.caFile}\nusers:\n  - name: psa\n    user:\n      token: ${token}\ncontexts:\n  - name: e2e\n    context: {cluster: e2e, user: psa}\ncurrent-context: e2e\n`,
        );
        psa = await startTestWebhook({ pki, config: scenario.psaConfig, kubeconfig, extraArgs: scenario.psaArgs });

        // deploy/'s ValidatingWebhookConfiguration, pointed at the local psa instead of the in-cluster Service.
        const hooks = parse(readFileSync('deploy/base/validatingwebhookconfiguration.yaml', 'utf8')) as {
          webhooks: { clientConfig: unknown }[];
        };
        for (const hook of hooks.webhooks)
          hook.clientConfig = {
            url: `https://127.0.0.1:${String(psa.port)}/`,
            caBundle: pki.caCert.toString('base64'),
          };
        const registered = await webhooked.call(
          'POST',
          '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
          hooks,
        );
        assert.equal(registered.status, 201, JSON.stringify(registered.body));

        // The API server picks the configuration up through an informer: wait until a violating pod is refused by psa.
        const probe = namespace('probe', { [`${P}enforce`]: 'restricted' });
        assert.equal((await webhooked.call('POST', '/api/v1/namespaces', probe)).status, 201);
        const deadline = Date.now() + 60_000;
        for (;;) {
          const answer = await webhooked.call(
            'POST',
            '/api/v1/namespaces/probe/pods?dryRun=All',
            pod('p', SPECS.plain),
          );
          if (answer.status === 403 && WEBHOOK_PREFIX.test(String(answer.body['message']))) break;
          if (Date.now() > deadline) throw new Error(`the webhook never answered: ${JSON.stringify(answer.body)}`);
          await new Promise((wait) => setTimeout(wait, 250));
        }
      });

      after(async () => {
        await psa?.stop();
        for (const server of [builtin, webhooked]) server?.child.kill('SIGKILL');
        pki?.cleanup();
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      });

      it("accepts deploy/base as a real API server validates it, the webhook's own Deployment without a warning", async () => {
        // On the plugin's server: psa-system (labelled enforce/warn/audit restricted) for real, the rest as dry runs.
        const kustomization = parse(readFileSync('deploy/base/kustomization.yaml', 'utf8')) as { resources: string[] };
        const kinds: string[] = [];
        for (const file of kustomization.resources) {
          for (const document of parseAllDocuments(readFileSync(join('deploy/base', file), 'utf8'))) {
            const object = document.toJS() as { kind: string };
            const path = collectionPath(object.kind, 'psa-system');
            const dryRun = object.kind !== 'Namespace';
            const answer = await builtin.call('POST', `${path}${dryRun ? '?dryRun=All' : ''}`, object);
            assert.equal(answer.status, 201, `${file} ${object.kind}: ${JSON.stringify(answer.body)}`);
            assert.deepEqual(answer.warnings, [], `${file} ${object.kind}: warnings`);
            kinds.push(object.kind);
          }
        }
        assert.ok(kinds.includes('Deployment') && kinds.includes('ValidatingWebhookConfiguration'), kinds.join(', '));
      });

      it('answers every request as the built-in plugin does', async (t) => {
        const namespaces: Record<string, Record<string, string>> = {
          'ns-privileged': { [`${P}enforce`]: 'privileged' },
          'ns-baseline': { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted', [`${P}audit`]: 'restricted' },
          'ns-restricted': { [`${P}enforce`]: 'restricted' },
          'ns-default': {},
          'ns-pinned': { [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.23', [`${P}warn`]: 'baseline' },
          'ns-old': { [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.0', [`${P}warn-version`]: 'v1.0' },
          'ns-bogus': { [`${P}enforce`]: 'bogus', [`${P}warn-version`]: 'not-a-version' },
          'exempt-ns': { [`${P}enforce`]: 'restricted' },
          monitoring: { [`${P}enforce`]: 'restricted' },
          'ns-future': { [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.99', [`${P}warn`]: 'baseline' },
        };
        const steps: Step[] = [];
        for (const [name, labels] of Object.entries(namespaces))
          steps.push({
            title: `create namespace ${name}`,
            method: 'POST',
            path: '/api/v1/namespaces',
            body: namespace(name, labels),
          });
        // ns-bogus is skipped: its labels are refused (by the plugin and by psa alike), so it never exists.
        // kube-system exists from the start and is exempt in every scenario.
        for (const name of [...Object.keys(namespaces).filter((ns) => ns !== 'ns-bogus'), 'kube-system']) {
          for (const [kind, spec] of Object.entries(SPECS)) {
            steps.push({
              title: `create ${kind} pod in ${name}`,
              method: 'POST',
              path: `/api/v1/namespaces/${name}/pods`,
              body: pod(kind, spec),
            });
            steps.push({
              title: `dry-run ${kind} pod in ${name}`,
              method: 'POST',
              path: `/api/v1/namespaces/${name}/pods?dryRun=All`,
              body: pod(`${kind}-dry`, spec),
            });
          }
          steps.push({
            title: `exempt user's privileged pod in ${name}`,
            method: 'POST',
            path: `/api/v1/namespaces/${name}/pods`,
            body: pod('by-exempt-user', SPECS.privileged),
            token: EXEMPT_USER_TOKEN,
          });
          steps.push({
            title: `exempt runtime class, privileged pod in ${name}`,
            method: 'POST',
            path: `/api/v1/namespaces/${name}/pods?dryRun=All`,
            body: pod('exempt-class', { ...SPECS.privileged, runtimeClassName: 'exempt-class' }),
          });
          for (const workload of workloads(name))
            steps.push({
              title: `create ${workload.path.split('/').at(-1) ?? ''} ${(workload.body as { metadata: { name: string } }).metadata.name} in ${name}`,
              method: 'POST',
              path: workload.path,
              body: workload.body,
            });
        }
        // Updates of pods that exist (the plain pod exists wherever enforcement let it in: privileged, baseline, default).
        for (const name of ['ns-privileged', 'ns-baseline', 'ns-default']) {
          steps.push({
            title: `relabel the plain pod in ${name} (metadata-only update)`,
            method: 'PATCH',
            path: `/api/v1/namespaces/${name}/pods/plain`,
            body: { metadata: { labels: { app: 'web', tier: 'front' } } },
          });
          steps.push({
            title: `add a privileged ephemeral container to the plain pod in ${name}`,
            method: 'PATCH',
            path: `/api/v1/namespaces/${name}/pods/plain/ephemeralcontainers`,
            body: {
              spec: {
                ephemeralContainers: [
                  {
                    name: 'debug',
                    image: 'busybox:1.36',
                    securityContext: { privileged: true },
                    targetContainerName: 'app',
                  },
                ],
              },
            },
          });
          steps.push({
            title: `add a plain ephemeral container to the plain pod in ${name}`,
            method: 'PATCH',
            path: `/api/v1/namespaces/${name}/pods/plain/ephemeralcontainers`,
            body: { spec: { ephemeralContainers: [{ name: 'debug2', image: 'busybox:1.36' }] } },
          });
        }
        // Namespace relabels: tightening over existing pods, loosening, invalid values, exempt namespace.
        const relabels: [string, Record<string, string | null>][] = [
          ['ns-privileged', { [`${P}enforce`]: 'restricted' }],
          ['ns-baseline', { [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.25' }],
          ['ns-default', { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'privileged' }],
          ['ns-restricted', { [`${P}enforce`]: 'privileged' }],
          ['ns-pinned', { [`${P}enforce`]: 'nope' }],
          ['exempt-ns', { [`${P}enforce`]: 'baseline' }],
          ['ns-old', { [`${P}enforce`]: null, [`${P}audit`]: 'restricted' }],
        ];
        for (const [name, labels] of relabels)
          steps.push({
            title: `relabel namespace ${name} with ${JSON.stringify(labels)}`,
            method: 'PATCH',
            path: `/api/v1/namespaces/${name}`,
            body: { metadata: { labels } },
            settle: true,
          });
        for (const name of ['ns-privileged', 'ns-baseline', 'ns-default', 'ns-restricted', 'ns-pinned'])
          steps.push({
            title: `privileged pod after the relabel in ${name}`,
            method: 'POST',
            path: `/api/v1/namespaces/${name}/pods?dryRun=All`,
            body: pod('after', SPECS.privileged),
          });

        const differences: string[] = [];
        let refused = 0;
        let warned = 0;
        for (const step of steps) {
          // The field manager names the step in the audit log (it is part of the request URI there).
          const tagged = `${step.path}${step.path.includes('?') ? '&' : '?'}fieldManager=step-${String(steps.indexOf(step))}`;
          const call = (server: ApiServer): Promise<ApiAnswer> =>
            server.call(step.method, tagged, step.body, step.token);
          const [expected, actual] = await Promise.all([call(builtin), call(webhooked)]);
          const want = verdict(expected);
          const got = verdict(actual);
          if (process.env['PSA_E2E_VERBOSE']) t.diagnostic(`${step.title}: ${JSON.stringify(want)}`);
          if (want.status >= 400) refused++;
          if (want.warnings.length > 0) warned++;
          try {
            assert.deepEqual(got, want);
            // A Pod Security refusal on the webhook's server must be psa's (its plugin is off there).
            const security =
              want.message?.includes('PodSecurity') === true || want.message?.includes('pod-security') === true;
            if (security) assert.match(String(actual.body['message']), WEBHOOK_PREFIX);
          } catch {
            differences.push(`${step.title}:\n  built-in: ${JSON.stringify(want)}\n  psa:      ${JSON.stringify(got)}`);
          }
          if (step.settle === true) await new Promise((wait) => setTimeout(wait, 2000));
          // An update reads the object from the API server's watch cache; one sent before that cache has seen the
          // previous update starts from a stale object, and admission (built-in or webhook) may see that one. So
          // before the next step, each server's cache must have caught up with what this update wrote.
          if (step.method === 'PATCH')
            await Promise.all(
              [
                [builtin, expected],
                [webhooked, actual],
              ].map(([server, answer]) => waitForCache(server as ApiServer, step.path, answer as ApiAnswer)),
            );
        }
        t.diagnostic(`${String(steps.length)} requests, ${String(refused)} refused, ${String(warned)} with warnings`);

        // Audit annotations: the plugin's `pod-security.kubernetes.io/<key>` against psa's, which the API server files
        // under the webhook's name (`<webhook>/<key>`).
        const builtinAudit = auditAnnotations(join(dir, 'audit-builtin.log'), /^pod-security\.kubernetes\.io\//);
        const webhookAudit = auditAnnotations(join(dir, 'audit-webhook.log'), /^(?:advisory\.)?psa\.kube-psa\.io\//);
        let annotated = 0;
        steps.forEach((step, index) => {
          const key = `step-${String(index)}`;
          const want = builtinAudit.get(key);
          const got = webhookAudit.get(key);
          assert.ok(want !== undefined && got !== undefined, `${step.title}: no audit event`);
          if (Object.keys(want).length > 0) annotated++;
          if (process.env['PSA_E2E_VERBOSE']) t.diagnostic(`${step.title} (audit): ${JSON.stringify(want)}`);
          try {
            assert.deepEqual(got, want);
          } catch {
            differences.push(
              `${step.title} (audit):\n  built-in: ${JSON.stringify(want)}\n  psa:      ${JSON.stringify(got)}`,
            );
          }
        });
        t.diagnostic(`${String(annotated)} requests with Pod Security audit annotations`);
        assert.deepEqual(
          differences,
          [],
          `${String(differences.length)} differences over ${String(steps.length)} requests`,
        );
        assert.ok(annotated >= 10, `only ${String(annotated)} requests with audit annotations`);
        // The comparison must have exercised both outcomes, not only allowed requests.
        assert.ok(refused >= 10, `only ${String(refused)} refusals`);
        assert.ok(warned >= 10, `only ${String(warned)} requests with warnings`);
      });
    },
  );
