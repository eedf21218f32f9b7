/**
 * `npm run bench -- audit`: `psa audit` over 100,000 pods in 2,000 namespaces served by the Kubernetes API stand-in
 * (its own process, 500 items per page), against
 * - the floor: only LISTing the same pages (namespaces, the 8 workload kinds, pods) with the same client (the shared
 *   raw lister and keep-alive authentication), parsing each page and dropping it;
 * - the upstream way: one dry-run relabel per namespace and level (baseline, restricted), as `kubectl label
 *   --dry-run=server ns --all` would send them, answered by upstream's PodSecurity webhook
 *   (k8s.io/pod-security-admission/cmd/webhook, bench/upstream-webhook) reading the same stand-in; their warnings
 *   are compared with psa's, which must be identical;
 * - peak RSS of the audit and of the LIST floor at 10,000 and 100,000 pods in 200 namespaces, and 100,000 pods in 2,000
 *   namespaces (fresh processes): pods are dropped page by page, the report grows with the namespaces;
 * - the same for `-o policyreport` with results per pod (a compact record kept per pod, reports streamed one at a time
 *   to a byte counter) and per owner (`--report-granularity owner`: aggregates only), with the reports' count and size.
 * Writes docs/perf/audit.md.
 *
 * Child mode: `audit.bench.ts --child audit|list|report-pod|report-owner KUBECONFIG` prints `{"maxRssKiB": N, ...}`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { runCli } from '../src/cli/run.ts';
import { WORKLOAD_KINDS } from '../src/cli/audit/run-audit.ts';
import { renderDocument, TALOS_DEFAULT_POD_SECURITY } from '../src/config/index.ts';
import { reusingAgents } from '../src/kube/auth.ts';
import { loadKubeConfigFrom } from '../src/kube/config.ts';
import { listPages } from '../src/kube/pager.ts';
import { createRawLister } from '../src/kube/raw-lister.ts';
import type { CliIo } from '../src/process-io.ts';
import { createTestPki, type TestPki } from '../test/server/certs.ts';
import { freePort } from '../test/server/helpers.ts';
import { formatMachine, machineInfo } from './lib/machine.ts';
import { formatMarkdownTable, formatTable, type Column } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PAGE = 500;
const LARGE = { pods: 100_000, namespaces: 2_000 };
const SMALL = { pods: 10_000, namespaces: 200 };
/** As many pods as LARGE in as few namespaces as SMALL: what grows with pods alone. */
const DENSE = { pods: 100_000, namespaces: 200 };
const ROUNDS = 5;

interface Cluster {
  readonly child: ChildProcess;
  readonly kubeconfig: string;
}

async function startCluster(pki: TestPki, dir: string, size: typeof LARGE): Promise<Cluster> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'lib/audit-cluster.ts'),
      pki.server.cert,
      pki.server.key,
      String(size.pods),
      String(size.namespaces),
    ],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`stand-in exited with ${String(code)}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const kubeconfig = join(dir, `kubeconfig-${size.pods}-${size.namespaces}`);
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n  - name: stand-in\n    cluster:\n      server: ${url}\n      certificate-authority: ${pki.caFile}\nusers:\n  - name: bench\n    user:\n      token: stand-in-token\ncontexts:\n  - name: stand-in\n    context: {cluster: stand-in, user: bench}\ncurrent-context: stand-in\n`,
  );
  return { child, kubeconfig };
}

function stopCluster(cluster: Cluster): Promise<void> {
  return new Promise((resolve) => {
    cluster.child.once('exit', () => resolve());
    cluster.child.stdin?.end();
    setTimeout(() => cluster.child.kill('SIGKILL'), 10_000).unref();
  });
}

/** `psa audit -o json` in this process; returns the report. */
async function audit(kubeconfig: string): Promise<{ code: number; report: string }> {
  let report = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (report += s) },
    stderr: { write: (s: string) => process.stderr.write(s) },
    stdin: Readable.from([]),
    cwd: root,
    env: {},
  };
  const code = await runCli(['audit', '--kubeconfig', kubeconfig, '-o', 'json', '--page-size', String(PAGE)], io);
  return { code, report };
}

/** The floor: the same LISTs, page by page, with the same client; items parsed and dropped. */
async function listOnly(kubeconfig: string): Promise<number> {
  const config = loadKubeConfigFrom({ kubeconfig });
  const auth = reusingAgents(config);
  const lister = createRawLister(config.getCurrentCluster()!.server, auth);
  const paths = [
    '/api/v1/namespaces',
    ...WORKLOAD_KINDS.map((k) =>
      k.apiVersion === 'v1' ? `/api/v1/${k.resource}` : `/apis/${k.apiVersion}/${k.resource}`,
    ),
    '/api/v1/pods',
  ];
  let items = 0;
  try {
    for (const path of paths)
      for await (const page of listPages(lister, path, { limit: PAGE })) items += page.items.length;
  } finally {
    auth.destroy();
  }
  return items;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

type ChildMode = 'audit' | 'list' | 'report-pod' | 'report-owner';

interface ChildFigures {
  readonly maxRssKiB: number;
  /** -o policyreport: reports written, their total and largest size in bytes. */
  readonly reports?: number;
  readonly bytes?: number;
  readonly largest?: number;
}

function childMemory(mode: ChildMode, kubeconfig: string): number {
  return childFigures(mode, kubeconfig).maxRssKiB;
}

function childFigures(mode: ChildMode, kubeconfig: string): ChildFigures {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, kubeconfig],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ChildFigures;
  } catch {
    throw new Error(`child ${mode} failed: ${r.stderr}`);
  }
}

/** `psa audit -o policyreport` with its output counted, not kept: the reports' count, total and largest size. */
async function reportChild(kubeconfig: string, granularity: string): Promise<Omit<ChildFigures, 'maxRssKiB'>> {
  let reports = 0;
  let bytes = 0;
  let largest = 0;
  let current = 0;
  const io: CliIo = {
    stdout: {
      write: (s: string) => {
        // One write per YAML document.
        reports++;
        const n = Buffer.byteLength(s);
        bytes += n;
        current = n;
        largest = Math.max(largest, current);
        return true;
      },
    },
    stderr: { write: (s: string) => process.stderr.write(s) },
    stdin: Readable.from([]),
    cwd: root,
    env: {},
  };
  const args = ['audit', '--kubeconfig', kubeconfig, '-o', 'policyreport', '--report-granularity', granularity];
  const code = await runCli([...args, '--page-size', String(PAGE)], io);
  if (code === 2) throw new Error('audit failed');
  return granularity === 'owner' ? { bytes } : { reports, bytes, largest };
}

async function child(mode: string, kubeconfig: string): Promise<void> {
  if (mode === 'report-pod' || mode === 'report-owner') {
    const figures = await reportChild(kubeconfig, mode.slice('report-'.length));
    process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, ...figures })}\n`);
    return;
  }
  if (mode === 'list') await listOnly(kubeconfig);
  else {
    const { code } = await audit(kubeconfig);
    if (code === 2) throw new Error('audit failed');
  }
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

interface ReviewAnswer {
  readonly warnings: readonly string[];
}

/** One namespace UPDATE review (old labels enforce=privileged, new enforce=LEVEL, dry run), as the API server sends it. */
function relabelReview(namespace: string, labels: Readonly<Record<string, string>>, level: string): string {
  const object = (enforce: string): unknown => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, labels: { ...labels, 'pod-security.kubernetes.io/enforce': enforce } },
  });
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `${namespace}-${level}`,
      kind: { group: '', version: 'v1', kind: 'Namespace' },
      resource: { group: '', version: 'v1', resource: 'namespaces' },
      name: namespace,
      operation: 'UPDATE',
      userInfo: { username: 'admin' },
      object: object(level),
      oldObject: object('privileged'),
      dryRun: true,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'UpdateOptions', dryRun: ['All'] },
    },
  });
}

function post(port: number, agent: Agent, body: string): Promise<ReviewAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/?timeout=10s',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { response?: { warnings?: string[] } };
          resolve({ warnings: parsed.response?.warnings ?? [] });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitReady(port: number, agent: Agent, server: ChildProcess): Promise<void> {
  const end = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`upstream webhook exited with ${String(server.exitCode)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/readyz', agent }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    if (Date.now() > end) throw new Error('upstream webhook not ready after 120 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface NamespaceJson {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly levels: Record<string, { readonly warnings: readonly string[] }>;
}

/** Upstream's way: 2 dry-run relabels per namespace, one at a time; returns the time and how many answers match psa's. */
async function upstreamWay(
  pki: TestPki,
  dir: string,
  kubeconfig: string,
  namespaces: readonly NamespaceJson[],
): Promise<{ ms: number; reviews: number; identical: number } | undefined> {
  const binary = join(root, 'bench/upstream-webhook/bin/pod-security-webhook');
  if (!existsSync(binary)) {
    process.stdout.write(`upstream webhook not built (${binary}): skipping the upstream way\n`);
    return undefined;
  }
  const config = join(dir, 'talos-default.yaml');
  writeFileSync(config, renderDocument(TALOS_DEFAULT_POD_SECURITY, 'yaml'));
  const port = await freePort();
  const server = spawn(
    binary,
    [
      '--kubeconfig',
      kubeconfig,
      '--config',
      config,
      '--tls-cert-file',
      pki.server.cert,
      '--tls-private-key-file',
      pki.server.key,
      '--bind-address',
      '127.0.0.1',
      '--secure-port',
      String(port),
      '--client-qps-limit',
      '100000',
      '--client-qps-burst',
      '100000',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pki.caCert });
  try {
    await waitReady(port, agent, server);
    const reviews = namespaces.flatMap((ns) =>
      ['baseline', 'restricted'].map((level) => ({ ns, level, body: relabelReview(ns.name, ns.labels, level) })),
    );
    let identical = 0;
    const start = process.hrtime.bigint();
    const answers: ReviewAnswer[] = [];
    for (const review of reviews) answers.push(await post(port, agent, review.body));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    reviews.forEach((review, i) => {
      const expected = review.ns.levels[review.level]?.warnings ?? [];
      if (JSON.stringify(answers[i]!.warnings) === JSON.stringify(expected)) identical++;
      else if (identical === i)
        process.stdout.write(
          `first difference: ${review.ns.name} ${review.level}: ${JSON.stringify(answers[i]!.warnings)} vs ${JSON.stringify(expected)}\n`,
        );
    });
    return { ms, reviews: reviews.length, identical };
  } finally {
    agent.destroy();
    server.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  const pki = createTestPki();
  const dir = mkdtempSync(join(tmpdir(), 'psa-audit-bench-'));
  const clusters: Cluster[] = [];
  try {
    const large = await startCluster(pki, dir, LARGE);
    clusters.push(large);
    const small = await startCluster(pki, dir, SMALL);
    clusters.push(small);
    const dense = await startCluster(pki, dir, DENSE);
    clusters.push(dense);

    // Warm up both paths (JIT, connections), then interleave the rounds.
    const listed = await listOnly(large.kubeconfig);
    const warm = await audit(large.kubeconfig);
    const report = JSON.parse(warm.report) as {
      summary: { pods: number; namespaces: number };
      namespaces: NamespaceJson[];
    };
    if (report.summary.pods !== LARGE.pods) throw new Error(`audit saw ${report.summary.pods} pods`);
    const listMs: number[] = [];
    const auditMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      listMs.push(await time(() => listOnly(large.kubeconfig)));
      auditMs.push(await time(() => audit(large.kubeconfig)));
    }
    const list = Math.min(...listMs);
    const whole = Math.min(...auditMs);

    const memory = {
      audit10: childMemory('audit', small.kubeconfig),
      audit100: childMemory('audit', large.kubeconfig),
      auditDense: childMemory('audit', dense.kubeconfig),
      list10: childMemory('list', small.kubeconfig),
      list100: childMemory('list', large.kubeconfig),
      listDense: childMemory('list', dense.kubeconfig),
    };
    const reportPod = {
      small: childFigures('report-pod', small.kubeconfig),
      dense: childFigures('report-pod', dense.kubeconfig),
      large: childFigures('report-pod', large.kubeconfig),
    };
    const reportOwner = {
      small: childMemory('report-owner', small.kubeconfig),
      dense: childMemory('report-owner', dense.kubeconfig),
      large: childMemory('report-owner', large.kubeconfig),
    };
    const upstream = await upstreamWay(pki, dir, large.kubeconfig, report.namespaces);

    const pages = Math.ceil(LARGE.pods / PAGE) + Math.ceil(LARGE.namespaces / PAGE) + WORKLOAD_KINDS.length;
    const timeColumns: Column[] = [
      { header: 'case' },
      { header: `ms (fastest of ${ROUNDS})`, align: 'right' },
      { header: 'ratio to LIST only', align: 'right' },
    ];
    const timeRows = [
      [`LIST only (${pages} pages, ${listed.toLocaleString('en')} items, same client)`, list.toFixed(0), '1.00'],
      ['psa audit -o json (list, evaluate 3 levels, owners, plan)', whole.toFixed(0), (whole / list).toFixed(2)],
      ...(upstream === undefined
        ? []
        : [
            [
              `upstream way: ${upstream.reviews} dry-run relabels (baseline, restricted per namespace), upstream's webhook`,
              upstream.ms.toFixed(0),
              (upstream.ms / list).toFixed(2),
            ],
          ]),
    ];
    const memColumns: Column[] = [
      { header: 'process' },
      { header: '10,000 pods, 200 ns', align: 'right' },
      { header: '100,000 pods, 200 ns', align: 'right' },
      { header: '100,000 pods, 2,000 ns', align: 'right' },
      { header: 'growth 10k -> 100k pods (200 ns)', align: 'right' },
    ];
    const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
    const memRows = [
      [
        'psa audit -o json (peak RSS)',
        mib(memory.audit10),
        mib(memory.auditDense),
        mib(memory.audit100),
        `${(memory.auditDense / memory.audit10).toFixed(2)}x`,
      ],
      [
        'psa audit -o policyreport, results per pod (peak RSS)',
        mib(reportPod.small.maxRssKiB),
        mib(reportPod.dense.maxRssKiB),
        mib(reportPod.large.maxRssKiB),
        `${(reportPod.dense.maxRssKiB / reportPod.small.maxRssKiB).toFixed(2)}x`,
      ],
      [
        'psa audit -o policyreport --report-granularity owner (peak RSS)',
        mib(reportOwner.small),
        mib(reportOwner.dense),
        mib(reportOwner.large),
        `${(reportOwner.dense / reportOwner.small).toFixed(2)}x`,
      ],
      [
        'LIST only (peak RSS)',
        mib(memory.list10),
        mib(memory.listDense),
        mib(memory.list100),
        `${(memory.listDense / memory.list10).toFixed(2)}x`,
      ],
    ];
    const machine = machineInfo();
    const summary = [
      `psa audit / LIST only: ${(whole / list).toFixed(2)}x (target <= 1.5x)`,
      ...(upstream === undefined
        ? []
        : [
            `upstream way / psa audit: ${(upstream.ms / whole).toFixed(1)}x (psa answers all three levels in one pass)`,
            `upstream's warnings identical to psa's: ${upstream.identical}/${upstream.reviews}`,
          ]),
      `per-pod policy reports: ${reportSizes(reportPod.small)} at 10,000 pods; ${reportSizes(reportPod.dense)} at 100,000 pods in 200 namespaces; ${reportSizes(reportPod.large)} at 100,000 pods in 2,000 namespaces`,
      `per-pod records cost ${mib(reportPod.dense.maxRssKiB - memory.auditDense)} over -o json at 100,000 pods (200 ns), ${mib(reportPod.small.maxRssKiB - memory.audit10)} at 10,000`,
      `peak RSS, 10k -> 100k pods in 200 namespaces: psa audit ${(memory.auditDense / memory.audit10).toFixed(2)}x, LIST only ${(memory.listDense / memory.list10).toFixed(2)}x; with 2,000 namespaces (10x the per-namespace report): psa audit ${(memory.audit100 / memory.audit10).toFixed(2)}x`,
    ];
    process.stdout.write(
      `\n${formatTable(timeColumns, timeRows)}\n\n${formatTable(memColumns, memRows)}\n\n${summary.join('\n')}\n`,
    );
    const docs = join(root, 'docs/perf');
    mkdirSync(docs, { recursive: true });
    writeFileSync(
      join(docs, 'audit.md'),
      `# psa audit benchmark\n\nGenerated by \`npm run bench -- audit\` (bench/audit.bench.ts). ${LARGE.pods.toLocaleString('en')} pods in ${LARGE.namespaces.toLocaleString('en')} namespaces (a tenth privileged, three in ten baseline, the rest restricted; every pod owned by a Deployment's ReplicaSet) served by the Kubernetes API stand-in in its own process, ${PAGE} items per page. Times are the fastest of ${ROUNDS} interleaved rounds in one process; memory is each case in a fresh process.\n\n${formatMachine(machine)}\n\n${formatMarkdownTable(timeColumns, timeRows)}\n\n${formatMarkdownTable(memColumns, memRows)}\n\n${summary.map((s) => `- ${s}`).join('\n')}\n`,
    );
  } finally {
    for (const cluster of clusters) await stopCluster(cluster);
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

function reportSizes(figures: ChildFigures): string {
  const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${figures.reports ?? 0} reports, ${mb(figures.bytes ?? 0)} of YAML, the largest ${((figures.largest ?? 0) / 1024).toFixed(0)} KiB as YAML (at most 192 KiB as JSON)`;
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) await child(process.argv[childIndex + 1] ?? '', process.argv[childIndex + 2] ?? '');
else await main();
