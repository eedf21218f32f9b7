/**
 * Admission throughput against upstream's admission library (the Go oracle's `admission-bench` mode), in one run:
 *
 * - pod CREATE in a namespace labelled enforce=baseline, warn=audit=restricted (a violating pod: enforce passes,
 *   warn and audit fire), as `admit(request)` on a decoded request against upstream's `Validate` with the review
 *   decoded once (its object decoding happens inside each call, as in its webhook), and as `admitReview(body)` from
 *   the HTTP body text to the response bytes against upstream's whole handler (decode, Validate, encode);
 * - a namespace relabel (enforce baseline -> restricted) over 3,000 existing pods (the evaluation cap), pods listed
 *   from memory on both sides.
 *
 * Results go to the console, `bench/.out/admission.json` and `docs/perf/admission.md`.
 * Usage: npm run bench -- admission [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAdmission } from '../src/admission/index.ts';
import type { Admission, ListedPod } from '../src/admission/index.ts';
import { LATEST } from '../src/api/index.ts';
import { decodeAdmissionReviewText } from '../src/k8s/admission-review.ts';
import type { AdmissionRequest } from '../src/k8s/admission-review.ts';
import { decodePod } from '../src/k8s/decode-pod.ts';
import { buildOracle, startOracle } from '../conformance/lib/oracle.ts';
import { benchOutDir, formatMachine, machineInfo } from './lib/machine.ts';
import { formatMarkdownTable, formatTable, type Column } from './lib/table.ts';
import { formatNs, formatRate, percentile } from './lib/timing.ts';

const P = 'pod-security.kubernetes.io/';
const privileged = { level: 'privileged' as const, version: LATEST };
const SETTINGS = {
  defaults: { enforce: privileged, audit: privileged, warn: privileged },
  exemptions: { usernames: [], namespaces: [], runtimeClasses: [] },
};

/** A typical Deployment-made pod that meets baseline but not restricted. */
const violatingPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c-x2x9k',
    namespace: 'bench',
    labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-uid', controller: true },
    ],
  },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
      },
    ],
    volumes: [{ name: 'cache', emptyDir: {} }],
  },
};

function restrictedPod(name: string, owner: string | undefined): Record<string, unknown> {
  return {
    metadata: {
      name,
      ...(owner === undefined
        ? {}
        : {
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: owner, controller: true }],
          }),
    },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: 'app:1',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** 3,000 pods: a third restricted-compliant, a third baseline-only, a third privileged; 1 in 2 owned by one of 50 ReplicaSets. */
function existingPods(): Record<string, unknown>[] {
  const pods: Record<string, unknown>[] = [];
  for (let i = 0; i < 3000; i++) {
    const owner = i % 2 === 0 ? `rs-${String(i % 50)}` : undefined;
    const base = restrictedPod(`pod-${String(i).padStart(4, '0')}`, owner);
    if (i % 3 === 1) base['spec'] = { containers: [{ name: 'app', image: 'app:1' }] };
    if (i % 3 === 2)
      base['spec'] = {
        hostNetwork: true,
        containers: [{ name: 'app', image: 'app:1', securityContext: { privileged: true } }],
      };
    pods.push(base);
  }
  return pods;
}

function review(request: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request });
}

const podBody = review({
  uid: 'bench-pod',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  name: violatingPod.metadata.name,
  namespace: 'bench',
  operation: 'CREATE',
  userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller', groups: ['system:serviceaccounts'] },
  object: violatingPod,
});

const relabelBody = review({
  uid: 'bench-ns',
  kind: { group: '', version: 'v1', kind: 'Namespace' },
  resource: { group: '', version: 'v1', resource: 'namespaces' },
  name: 'bench',
  namespace: 'bench',
  operation: 'UPDATE',
  userInfo: { username: 'admin' },
  object: {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'bench', labels: { [`${P}enforce`]: 'restricted' } },
  },
  oldObject: {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'bench', labels: { [`${P}enforce`]: 'baseline' } },
  },
});

const benchNamespace = { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted', [`${P}audit`]: 'restricted' };

function ourAdmission(pods: readonly ListedPod[]): Admission {
  return createAdmission({
    settings: SETTINGS,
    namespaces: { getNamespace: (name) => Promise.resolve({ metadata: { name, labels: benchNamespace } }) },
    pods: { listPods: () => Promise.resolve(pods) },
  });
}

/** Async version of the Go-style timing loop: grows n until n operations take at least `ms`. */
async function timedAsync(op: () => Promise<unknown>, ms: number): Promise<number> {
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await op();
    const ns = Number(process.hrtime.bigint() - start);
    if (ns >= ms * 1e6 || n >= 1e8) return ns / n;
    n = Math.max(n + 1, Math.min(n * 100, Math.ceil((n * 1.2 * ms * 1e6) / Math.max(ns, 1))));
  }
}

interface Row {
  readonly name: string;
  readonly oursNs: number;
  readonly upstreamNs: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { quick: { type: 'boolean', default: false } },
    strict: false,
  });
  const quick = values['quick'] === true;
  const rounds = quick ? 3 : 5;
  const sampleMs = quick ? 200 : 500;

  const rawPods = existingPods();
  const listed: ListedPod[] = rawPods.map((p) => decodePod(p).value);
  const admission = ourAdmission(listed);
  const decodedPod = decodeAdmissionReviewText(podBody);
  const decodedNs = decodeAdmissionReviewText(relabelBody);
  if (!decodedPod.ok || !decodedNs.ok) throw new Error('bench reviews do not decode');
  const podRequest: AdmissionRequest = decodedPod.review.request!;
  const nsRequest: AdmissionRequest = decodedNs.review.request!;

  // Sanity: both sides give the same bytes for the two requests.
  const oracleBinary = buildOracle();
  const check = startOracle<Record<string, unknown>, { body: string }>('admission', { binary: oracleBinary });
  const [upPod, upNs] = await check.send([
    { id: 1, namespaces: [{ metadata: { name: 'bench', labels: benchNamespace } }], body: podBody },
    { id: 2, namespaces: [], pods: rawPods, body: relabelBody },
  ]);
  await check.close();
  const ourPod = await admission.admitReview(podBody);
  const ourNs = await admission.admitReview(relabelBody);
  if (!ourPod.ok || !ourNs.ok || ourPod.body !== upPod?.body || ourNs.body !== upNs?.body) {
    process.stderr.write('admission bench: our responses differ from upstream; refusing to compare speed\n');
    return 1;
  }
  const nsWarnings = ourNs.response.warnings ?? [];

  const upstream = startOracle<Record<string, unknown>, { nsPerOp: number; error?: string }>('admission-bench', {
    binary: oracleBinary,
  });
  const cases = [
    {
      name: 'pod CREATE: admit(request)',
      ours: () => admission.admit(podRequest),
      line: { namespaces: [{ metadata: { name: 'bench', labels: benchNamespace } }], body: podBody },
    },
    {
      name: 'pod CREATE: admitReview(body) -> bytes',
      ours: () => admission.admitReview(podBody),
      line: { namespaces: [{ metadata: { name: 'bench', labels: benchNamespace } }], body: podBody, full: true },
    },
    {
      name: 'namespace relabel over 3,000 pods',
      ours: () => admission.admit(nsRequest),
      line: { namespaces: [], pods: rawPods, body: relabelBody },
    },
  ];
  const samples = cases.map(() => ({ ours: [] as number[], upstream: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      samples[i]!.ours.push(await timedAsync(c.ours, sampleMs));
      const [answer] = await upstream.send([{ id: i, ...c.line, benchMs: sampleMs }]);
      if (answer === undefined || answer.error !== undefined)
        throw new Error(`upstream bench failed: ${answer?.error ?? 'no answer'}`);
      samples[i]!.upstream.push(answer.nsPerOp);
    }
  }
  await upstream.close();

  const rows: Row[] = cases.map((c, i) => ({
    name: c.name,
    oursNs: percentile(samples[i]!.ours, 50),
    upstreamNs: percentile(samples[i]!.upstream, 50),
  }));
  const columns: Column[] = [
    { header: 'case' },
    { header: 'ours ns/op', align: 'right' },
    { header: 'ours ops/s', align: 'right' },
    { header: 'upstream ns/op', align: 'right' },
    { header: 'upstream ops/s', align: 'right' },
    { header: 'ratio (upstream/ours)', align: 'right' },
  ];
  const cells = rows.map((r) => [
    r.name,
    formatNs(r.oursNs),
    formatRate(1e9 / r.oursNs),
    formatNs(r.upstreamNs),
    formatRate(1e9 / r.upstreamNs),
    (r.upstreamNs / r.oursNs).toFixed(2),
  ]);
  process.stdout.write(`${formatTable(columns, cells)}\n`);
  process.stdout.write(
    `(median of ${String(rounds)} interleaved rounds of >= ${String(sampleMs)} ms each; ratio > 1 means we are faster)\n`,
  );

  const machine = machineInfo();
  const out = benchOutDir();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'admission.json'), `${JSON.stringify({ machine, quick, rows, samples }, null, 2)}\n`);

  const doc = [
    '# Admission performance',
    '',
    'Generated by `npm run bench -- admission` (`bench/admission.bench.ts`); do not edit by hand.',
    '',
    'Both sides run in the same benchmark run, interleaved round by round, on the same inputs, after checking that',
    'they produce byte-identical responses. Upstream is `k8s.io/pod-security-admission` v0.37.2 driven by the Go',
    "oracle's `admission-bench` mode: `Admission.Validate` with the review decoded once (its object decoding happens",
    'inside each call, as in its webhook), or, for the `admitReview` row, the whole handler body (universal-deserializer',
    'decode of the review, `Validate`, `json.Encoder` of the reply). Namespaces and pods come from memory on both sides.',
    '',
    '- **pod CREATE**: a Deployment-made pod in a namespace labelled `enforce=baseline`, `warn=restricted`,',
    '  `audit=restricted` (enforce passes; warning, audit annotation and three metric increments are produced).',
    '  `admit(request)` starts from a decoded request; `admitReview(body)` goes from the HTTP body text to the',
    '  response bytes (JSON parse, decode, decide, encode).',
    `- **namespace relabel**: \`enforce\` baseline -> restricted over 3,000 existing pods (the evaluation cap; a third`,
    '  compliant, a third baseline-only, a third privileged, half owned by 50 ReplicaSets). Our warnings:',
    ...nsWarnings.map((w) => `  - \`${w}\``),
    '',
    formatMarkdownTable(columns, cells),
    '',
    `Median of ${String(rounds)} interleaved rounds of at least ${String(sampleMs)} ms each. Ratio = upstream ns/op ÷ ours;`,
    'above 1.0 we are faster.',
    '',
    '## Machine',
    '',
    '```',
    formatMachine(machine),
    '```',
    '',
  ].join('\n');
  const docPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'perf', 'admission.md');
  mkdirSync(dirname(docPath), { recursive: true });
  writeFileSync(docPath, doc);
  process.stdout.write(`wrote ${docPath}\n`);
  return 0;
}

process.exitCode = await main();
