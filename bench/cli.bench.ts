/**
 * `npm run bench -- cli`: `psa check` over a generated multi-document file of 10,000 workloads, against the floor of
 * only parsing the same file with the same YAML library (`yaml` parseAllDocuments + toJS, YAML 1.1 as psa reads it),
 * and psa's peak memory as the input grows (10,000 vs 40,000 workloads, each in a fresh process). Writes
 * docs/perf/cli.md.
 *
 * Child mode (used by the memory runs): `cli.bench.ts --child check|parse FILE` prints `{"maxRssKiB": N}`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_MAX_ALIAS_COUNT, DEFAULT_MAX_DOCUMENT_BYTES, readDocuments } from '../src/cli/input/documents.ts';
import { runCli } from '../src/cli/run.ts';
import type { CliIo } from '../src/process-io.ts';
import { formatMachine, machineInfo } from './lib/machine.ts';
import { formatMarkdownTable, formatTable, type Column } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const TEMPLATES = [
  (n: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${n}
  namespace: default
spec:
  selector:
    matchLabels: {app: ${n}}
  template:
    metadata:
      labels: {app: ${n}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: app
          image: ghcr.io/siderolabs/example-workload
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
`,
  (n: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  labels: {app: ${n}}
  name: ${n}
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${n}}
  template:
    metadata:
      labels: {app: ${n}}
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
`,
  (n: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${n}
  namespace: monitoring
spec:
  selector:
    matchLabels: {app: ${n}}
  template:
    metadata:
      labels: {app: ${n}}
    spec:
      hostNetwork: true
      hostPID: true
      containers:
      - name: exporter
        image: quay.io/prometheus/node-exporter
        ports:
        - containerPort: 9100
        securityContext:
          privileged: true
        volumeMounts:
        - {name: root, mountPath: /host}
      volumes:
      - name: root
        hostPath: {path: /}
`,
  (n: string) => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${n}
  namespace: jobs
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          containers:
          - name: backup
            image: busybox
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_RAW]}}
`,
];

function generate(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'psa-cli-bench-'));
  const path = join(dir, `workloads-${count}.yaml`);
  const parts: string[] = [];
  for (let i = 0; i < count; i++)
    parts.push(
      `# Source: bench/templates/${i % TEMPLATES.length}.yaml\n${TEMPLATES[i % TEMPLATES.length]!(`w-${String(i).padStart(6, '0')}`)}`,
    );
  writeFileSync(path, `---\n${parts.join('---\n')}`);
  return path;
}

function parseOnly(path: string): number {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { version: '1.1' });
  let n = 0;
  for (const doc of Array.isArray(docs) ? docs : []) if (doc.toJS({ maxAliasCount: 100 }) !== null) n++;
  return n;
}

/** psa's own reader alone: split into documents, parse each with positions, toJS (no decoding, no checking). */
async function readOnly(path: string): Promise<number> {
  let n = 0;
  const options = {
    maxDocumentBytes: DEFAULT_MAX_DOCUMENT_BYTES,
    maxAliasCount: DEFAULT_MAX_ALIAS_COUNT,
    stdin: Readable.from([]),
  };
  for await (const item of readDocuments({ name: path, path, json: false }, options)) if (item.type === 'object') n++;
  return n;
}

async function check(path: string, format: string): Promise<{ code: number; bytes: number }> {
  let bytes = 0;
  const io: CliIo = {
    stdout: { write: (s: string) => (bytes += s.length) },
    stderr: { write: (s: string) => process.stderr.write(s) },
    stdin: Readable.from([]),
    cwd: root,
    env: {},
  };
  const code = await runCli(['check', '-o', format, path], io);
  return { code, bytes };
}

async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// The fastest round estimates the intrinsic cost best on a shared, loaded machine (noise only ever adds time).
const fastest = (xs: number[]): number => Math.min(...xs);

function childMemory(mode: 'check' | 'parse', path: string): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, path], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return (JSON.parse(line) as { maxRssKiB: number }).maxRssKiB;
  } catch {
    throw new Error(`child ${mode} failed: ${r.stderr}`);
  }
}

async function child(mode: string, path: string): Promise<void> {
  if (mode === 'parse') parseOnly(path);
  else await check(path, 'json');
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

async function main(): Promise<void> {
  const small = generate(10_000);
  const large = generate(40_000);
  const mib = (p: string): string => (statSync(p).size / (1024 * 1024)).toFixed(1);
  // Warm up both paths (JIT), then interleave rounds.
  parseOnly(small);
  await check(small, 'json');
  const rounds = 3;
  const parseMs: number[] = [];
  const readMs: number[] = [];
  const jsonMs: number[] = [];
  const textMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    parseMs.push(await time(() => parseOnly(small)));
    readMs.push(await time(() => readOnly(small)));
    jsonMs.push(await time(() => check(small, 'json')));
    textMs.push(await time(() => check(small, 'text')));
  }
  const parse = fastest(parseMs);
  const read = fastest(readMs);
  const json = fastest(jsonMs);
  const text = fastest(textMs);
  const memory = {
    check10: childMemory('check', small),
    check40: childMemory('check', large),
    parse10: childMemory('parse', small),
    parse40: childMemory('parse', large),
  };
  const timeColumns: Column[] = [
    { header: 'case' },
    { header: 'ms (fastest of 3)', align: 'right' },
    { header: 'ratio to parse-only', align: 'right' },
  ];
  const timeRows = [
    ['parse only (yaml parseAllDocuments + toJS)', parse.toFixed(0), '1.00'],
    ["psa's streaming reader only (split, parse each document, toJS)", read.toFixed(0), (read / parse).toFixed(2)],
    ['psa check -o json', json.toFixed(0), (json / parse).toFixed(2)],
    ['psa check (text)', text.toFixed(0), (text / parse).toFixed(2)],
  ];
  const memColumns: Column[] = [
    { header: 'process' },
    { header: '10,000 workloads', align: 'right' },
    { header: '40,000 workloads', align: 'right' },
    { header: 'growth', align: 'right' },
  ];
  const kib = (n: number): string => `${(n / 1024).toFixed(0)} MiB`;
  const memRows = [
    [
      'psa check -o json (peak RSS)',
      kib(memory.check10),
      kib(memory.check40),
      `${(memory.check40 / memory.check10).toFixed(2)}x`,
    ],
    [
      'parse only, whole file (peak RSS)',
      kib(memory.parse10),
      kib(memory.parse40),
      `${(memory.parse40 / memory.parse10).toFixed(2)}x`,
    ],
  ];
  process.stdout.write(`input: 10,000 workloads, ${mib(small)} MiB (and 40,000: ${mib(large)} MiB)\n`);
  process.stdout.write(`${formatTable(timeColumns, timeRows)}\n\n${formatTable(memColumns, memRows)}\n`);
  const ratio = json / parse;
  process.stdout.write(
    `target: check <= 1.3x parse-only: ${ratio <= 1.3 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)\n`,
  );
  const doc = `# CLI performance

Generated by \`npm run bench -- cli\` (\`bench/cli.bench.ts\`); do not edit by hand.

The input is one generated multi-document YAML file of 10,000 workloads (${mib(small)} MiB; a quarter each of a
restricted Deployment, the \`kubectl create deployment nginx\` Deployment, a privileged host-namespace DaemonSet and a
CronJob, in three namespaces, with Helm-style \`# Source:\` comments). **Parse only** is the floor: the same \`yaml\`
library parsing the whole file (\`parseAllDocuments\` + \`toJS\`, YAML 1.1 as psa reads manifests). **psa check** is
the whole command in-process (split into documents, parse with positions, decode, API-server defaults, enforce /
warn / audit with the Talos default configuration, the controller's pods, output), writing to a sink.

| case | ms (fastest of 3 interleaved rounds) | ratio to parse-only |
|---|---:|---:|
${timeRows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

Target: psa check at most 1.3 times parse-only: **${ratio <= 1.3 ? 'met' : 'not met'}** (${ratio.toFixed(2)}x). Parsing
the whole file at once keeps every document alive, so its garbage collection grows with the file; psa's streaming
reader is the fairer floor for the checking itself: checking costs ${(json / read).toFixed(2)}x the reader alone
(decoding, three modes, the controller's pods and the JSON output on top of parsing).

The machine is shared and loaded (2 cores, see the load average below): each case is the fastest of 3 interleaved
rounds, which estimates the intrinsic cost best since noise only adds time.

Peak memory (maximum resident set size of a fresh process) as the input grows from 10,000 to 40,000 workloads
(${mib(large)} MiB). psa streams document by document, so its peak stays flat; parsing the whole file at once grows
with it:

${formatMarkdownTable(memColumns, memRows)}

## Machine

\`\`\`
${formatMachine(machineInfo())}
\`\`\`
`;
  writeFileSync(join(root, 'docs', 'perf', 'cli.md'), doc);
  process.stdout.write('wrote docs/perf/cli.md\n');
}

const argv = process.argv.slice(2);
const childAt = argv.indexOf('--child');
if (childAt >= 0) await child(argv[childAt + 1] ?? 'check', argv[childAt + 2] ?? '');
else await main();
