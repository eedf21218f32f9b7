/**
 * Records the audit-log golden fixtures from a real kube-apiserver (test/e2e/kube-apiserver's binary, its built-in
 * PodSecurity plugin): `npm run fixtures:audit-log`, then `UPDATE_GOLDEN=1 npm test -- audit-log`. It starts one API server with
 * fixtures/real/config.yaml as the plugin's configuration and an audit policy that logs pods at level Request in some
 * namespaces (so the log carries the pod for re-evaluation) and everything else at level Metadata, sends the requests
 * below with the identities of the users who would send them (controllers included), and writes:
 *   fixtures/real/audit.jsonl.gz  the API server's whole audit log, as written;
 *   fixtures/real/requests.json   every request with what it was meant to hit (namespace, owner, exemption) and what
 *                                 the client observed (status, message, warnings), from which the golden test derives
 *                                 the counts it expects without reading the audit log.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestPki } from '../server/certs.ts';
import { ADMIN, type ApiAnswer, type ApiServer, startApiServer } from '../e2e/apiserver.ts';

const OUT = join(import.meta.dirname, 'fixtures', 'real');
const P = 'pod-security.kubernetes.io/';

/** Users and their tokens: the admin, an exempt user, and the controllers that create pods in a real cluster. */
const USERS = {
  admin: ADMIN,
  'exempt-user': 'exempt-token',
  'system:serviceaccount:kube-system:replicaset-controller': 'rs-token',
  'system:serviceaccount:kube-system:statefulset-controller': 'sts-token',
  'system:serviceaccount:kube-system:daemon-set-controller': 'ds-token',
  'system:serviceaccount:kube-system:job-controller': 'job-token',
} as const;
type User = keyof typeof USERS;

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
  plain: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
  privileged: {
    hostNetwork: true,
    containers: [{ name: 'agent', image: 'agent:2', securityContext: { privileged: true } }],
    volumes: [{ name: 'root', hostPath: { path: '/' } }],
  },
} as const;
type SpecName = keyof typeof SPECS;

/** What a request was designed to produce in the report. */
interface Intent {
  readonly namespace: string;
  readonly owner: { readonly kind: string; readonly name: string };
  readonly exempt?: 'namespace' | 'user' | 'runtimeClass';
  /** For a refused request whose namespace audits at another level than it enforces: the dry run into `mirror`
   * (enforce privileged, warn = audit = restricted) whose warnings show the audit violations. */
  readonly mirror?: boolean;
}

interface Request extends Intent {
  readonly title: string;
  /** The pod spec sent (for pods), to compare re-evaluations with what the server did to the same spec. */
  readonly spec?: SpecName;
  readonly method: 'POST' | 'PATCH';
  readonly path: string;
  readonly body: unknown;
  readonly user: User;
}

function pod(
  namespace: string,
  name: string,
  spec: SpecName,
  user: User,
  owner: Intent['owner'],
  extra: Partial<Intent> & { runtimeClassName?: string } = {},
): Request {
  const { runtimeClassName, ...intent } = extra;
  return {
    title: `${user} creates ${spec} pod ${namespace}/${name}`,
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/pods`,
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      // A name ending in `-` is a generateName, as controllers send it.
      metadata: name.endsWith('-') ? { generateName: name } : { name },
      spec: runtimeClassName === undefined ? SPECS[spec] : { ...SPECS[spec], runtimeClassName },
    },
    user,
    spec,
    namespace,
    owner,
    ...intent,
  };
}

const CONTROLLERS = {
  rs: 'system:serviceaccount:kube-system:replicaset-controller',
  sts: 'system:serviceaccount:kube-system:statefulset-controller',
  ds: 'system:serviceaccount:kube-system:daemon-set-controller',
  job: 'system:serviceaccount:kube-system:job-controller',
} as const;

const REQUESTS: readonly Request[] = [
  // shop: no labels, so the configuration's defaults (enforce baseline, audit and warn restricted); pods logged with
  // their request object.
  pod('shop', 'web-7d4b9c8f6d-x2k9p', 'plain', CONTROLLERS.rs, { kind: 'Deployment', name: 'web' }),
  pod('shop', 'web-7d4b9c8f6d-q8wz4', 'plain', CONTROLLERS.rs, { kind: 'Deployment', name: 'web' }),
  pod('shop', 'web-7d4b9c8f6d-', 'plain', CONTROLLERS.rs, { kind: 'Deployment', name: 'web' }),
  pod('shop', 'db-0', 'plain', CONTROLLERS.sts, { kind: 'StatefulSet', name: 'db' }),
  pod('shop', 'db-1', 'hardened', CONTROLLERS.sts, { kind: 'StatefulSet', name: 'db' }),
  pod('shop', 'agent-z9hxl', 'privileged', CONTROLLERS.ds, { kind: 'DaemonSet', name: 'agent' }, { mirror: true }),
  pod('shop', 'debug', 'privileged', 'admin', { kind: 'Pod', name: 'debug' }, { mirror: true }),
  pod('shop', 'backup-29422080-x7k2p', 'plain', CONTROLLERS.job, { kind: 'CronJob', name: 'backup' }),
  pod('shop', 'migrate-5xk2p', 'plain', CONTROLLERS.job, { kind: 'Job', name: 'migrate' }),
  pod(
    'shop',
    'by-exempt-user',
    'privileged',
    'exempt-user',
    { kind: 'Pod', name: 'by-exempt-user' },
    { exempt: 'user' },
  ),
  pod(
    'shop',
    'sandboxed',
    'privileged',
    'admin',
    { kind: 'Pod', name: 'sandboxed' },
    { exempt: 'runtimeClass', runtimeClassName: 'exempt-class' },
  ),
  {
    title: 'admin creates Deployment shop/web (plain template)',
    method: 'POST',
    path: '/apis/apps/v1/namespaces/shop/deployments',
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: SPECS.plain },
      },
    },
    user: 'admin',
    namespace: 'shop',
    owner: { kind: 'Deployment', name: 'web' },
  },
  {
    title: 'admin adds a privileged ephemeral container to shop/db-0',
    method: 'PATCH',
    path: '/api/v1/namespaces/shop/pods/db-0/ephemeralcontainers',
    body: {
      spec: {
        ephemeralContainers: [
          { name: 'debug', image: 'busybox:1.36', securityContext: { privileged: true }, targetContainerName: 'app' },
        ],
      },
    },
    user: 'admin',
    namespace: 'shop',
    owner: { kind: 'Pod', name: 'db-0' },
    mirror: true,
  },
  // payments: enforce, audit and warn restricted.
  pod('payments', 'api-6b9f7c5d4-k2x9p', 'plain', CONTROLLERS.rs, { kind: 'Deployment', name: 'api' }),
  pod('payments', 'api-6b9f7c5d4-w7vbn', 'hardened', CONTROLLERS.rs, { kind: 'Deployment', name: 'api' }),
  // legacy: enforce privileged, audit and warn restricted; logged at level Metadata (no request object).
  pod('legacy', 'old-agent', 'privileged', 'admin', { kind: 'Pod', name: 'old-agent' }),
  // kube-apiserver logs no name for a create by generateName: at level Metadata only the controller is known.
  pod('legacy', 'worker-5c6b8d9f7-', 'plain', CONTROLLERS.rs, {
    kind: 'ReplicaSet',
    name: '(generated name, not logged)',
  }),
  pod('legacy', 'tool', 'privileged', 'exempt-user', { kind: 'Pod', name: 'tool' }, { exempt: 'user' }),
  // monitoring and kube-system: exempt namespaces (monitoring logged with the request object, kube-system without).
  pod(
    'monitoring',
    'node-exporter-p4x8z',
    'privileged',
    CONTROLLERS.ds,
    { kind: 'DaemonSet', name: 'node-exporter' },
    {
      exempt: 'namespace',
    },
  ),
  pod('monitoring', 'grafana', 'plain', 'admin', { kind: 'Pod', name: 'grafana' }, { exempt: 'namespace' }),
  pod(
    'kube-system',
    'kube-proxy-m2r7t',
    'privileged',
    CONTROLLERS.ds,
    { kind: 'DaemonSet', name: 'kube-proxy' },
    {
      exempt: 'namespace',
    },
  ),
];

const NAMESPACES: Readonly<Record<string, Record<string, string>>> = {
  shop: {},
  payments: { [`${P}enforce`]: 'restricted', [`${P}audit`]: 'restricted', [`${P}warn`]: 'restricted' },
  legacy: { [`${P}enforce`]: 'privileged', [`${P}audit`]: 'restricted', [`${P}warn`]: 'restricted' },
  mirror: { [`${P}enforce`]: 'privileged', [`${P}audit`]: 'restricted', [`${P}warn`]: 'restricted' },
  monitoring: { [`${P}enforce`]: 'restricted' },
};

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: Request
    resources: [{group: "", resources: ["pods", "pods/ephemeralcontainers"]}]
    namespaces: [shop, payments, monitoring]
  - level: Metadata
`;

interface Observed {
  readonly status: number;
  readonly message?: string;
  readonly warnings: readonly string[];
}

function observe(answer: ApiAnswer): Observed {
  const message = answer.body['message'];
  return {
    status: answer.status,
    ...(answer.status >= 400 && typeof message === 'string' ? { message } : {}),
    warnings: answer.warnings,
  };
}

async function send(server: ApiServer, request: { method: string; path: string; body: unknown }, user: User) {
  return observe(await server.call(request.method, request.path, request.body, USERS[user]));
}

async function main(): Promise<void> {
  const pki = createTestPki();
  const dir = mkdtempSync(join(tmpdir(), 'psa-audit-fixtures-'));
  let server: ApiServer | undefined;
  try {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(
      join(dir, 'tokens.csv'),
      Object.entries(USERS)
        .map(([user, token]) => `${token},${user},${user.replaceAll(':', '-')}-uid,system:masters\n`)
        .join(''),
    );
    writeFileSync(join(dir, 'audit-policy.yaml'), AUDIT_POLICY);
    const config = readFileSync(join(OUT, 'config.yaml'), 'utf8');
    const admission = join(dir, 'admission.yaml');
    writeFileSync(
      admission,
      `apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n  - name: PodSecurity\n    configuration:\n${config.replace(/^(?=.)/gm, '      ')}`,
    );
    server = await startApiServer('recorder', pki, dir, [
      `--admission-control-config-file=${admission}`,
      '--disable-admission-plugins=ServiceAccount',
    ]);
    const created = await server.call('POST', '/apis/node.k8s.io/v1/runtimeclasses', {
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: { name: 'exempt-class' },
      handler: 'runc',
    });
    if (created.status !== 201) throw new Error(`RuntimeClass: ${JSON.stringify(created.body)}`);
    for (const [name, labels] of Object.entries(NAMESPACES)) {
      const answer = await server.call('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      });
      if (answer.status !== 201) throw new Error(`namespace ${name}: ${JSON.stringify(answer.body)}`);
    }
    const records: unknown[] = [];
    for (const request of REQUESTS) {
      const observed = await send(server, request, request.user);
      const described: Omit<Request, 'body'> & { body?: unknown } = { ...request };
      delete described.body;
      let mirrorObserved: Observed | undefined;
      if (request.mirror === true) {
        // The same pod (or, for the ephemeral container, a pod with it as a container), as a dry run in `mirror`.
        const ephemeral = request.path.endsWith('/ephemeralcontainers');
        const spec = ephemeral
          ? {
              containers: [
                { name: 'app', image: 'nginx:1.27' },
                { name: 'debug', image: 'busybox:1.36', securityContext: { privileged: true } },
              ],
            }
          : (request.body as { spec: unknown }).spec;
        mirrorObserved = await send(
          server,
          {
            method: 'POST',
            path: '/api/v1/namespaces/mirror/pods?dryRun=All',
            body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mirror' }, spec },
          },
          'admin',
        );
      }
      records.push({ ...described, observed, ...(mirrorObserved === undefined ? {} : { mirrorObserved }) });
      process.stdout.write(`${request.title}: ${String(observed.status)}\n`);
    }
    server.child.kill('SIGTERM');
    await new Promise((done) => server?.child.once('exit', done));
    server = undefined;
    const log = readFileSync(join(dir, 'audit-recorder.log'));
    writeFileSync(join(OUT, 'audit.jsonl.gz'), gzipSync(log, { level: 9 }));
    writeFileSync(join(OUT, 'requests.json'), `${JSON.stringify(records, null, 2)}\n`);
    process.stdout.write(`${String(log.toString('utf8').split('\n').length - 1)} audit events recorded in ${OUT}\n`);
  } finally {
    server?.child.kill('SIGKILL');
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
