/**
 * `npm run bench -- audit-log`: `psa audit-log` over a generated 1,000,000-event kube-apiserver audit log (10% Pod
 * Security events), against the floor of reading the same file in Node and JSON-parsing every line, and against
 * `jq -c 'select(.annotations["pod-security.kubernetes.io/audit-violations"])'` when jq is installed; then psa's peak
 * memory as the log grows (the file read once vs three times, each in a fresh process). Writes docs/perf/audit-log.md.
 * `--events N` changes the size.
 *
 * Child mode (the memory runs): `audit-log.bench.ts --child COPIES FILE` prints `{"maxRssKiB": N}`.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/run.ts';
import type { CliIo } from '../src/process-io.ts';
import { auditLines } from './lib/audit-log-gen.ts';
import { formatMachine, machineInfo } from './lib/machine.ts';
import { formatMarkdownTable, formatTable, type Column } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const JQ_FILTER = 'select(.annotations["pod-security.kubernetes.io/audit-violations"])';

function generate(dir: string, events: number): string {
  const path = join(dir, 'audit.log');
  const fd = openSync(path, 'w');
  const block = 10_000;
  for (let i = 0; i < events; i += block) writeSync(fd, auditLines(i, Math.min(events, i + block)));
  closeSync(fd);
  return path;
}

/** The floor: the same 1 MiB chunks, every line found and JSON.parse'd (nothing else). */
async function readAndParse(path: string): Promise<number> {
  let n = 0;
  let carry = '';
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, encoding: 'utf8' })) {
    const text = carry + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start) {
        JSON.parse(text.slice(start, nl));
        n++;
      }
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry !== '') {
    JSON.parse(carry);
    n++;
  }
  return n;
}

async function psa(files: readonly string[]): Promise<{ code: number; report: string }> {
  let report = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (report += s) },
    stderr: { write: (s: string) => process.stderr.write(s) },
    stdin: Readable.from([]),
    cwd: root,
    env: {},
  };
  const code = await runCli(['audit-log', '-o', 'json', '--fail-on', 'never', ...files], io);
  return { code, report };
}

function jq(path: string): number | undefined {
  const start = process.hrtime.bigint();
  const r = spawnSync('jq', ['-c', JQ_FILTER, path], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.error !== undefined || r.status !== 0) return undefined;
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function childMemory(copies: number, path: string): number {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(copies), path],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return (JSON.parse(line) as { maxRssKiB: number }).maxRssKiB;
  } catch {
    throw new Error(`child failed: ${r.stderr}`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--child') {
    await psa(Array.from({ length: Number(argv[1]) }, () => argv[2]!));
    process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
    return;
  }
  const eventsFlag = argv.indexOf('--events');
  const events = eventsFlag >= 0 ? Number(argv[eventsFlag + 1]) : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'psa-audit-log-bench-'));
  try {
    const path = generate(dir, events);
    const mib = statSync(path).size / (1024 * 1024);
    // Warm up (JIT, page cache), then interleave rounds; the fastest round is the least disturbed one.
    await readAndParse(path);
    const check = await psa([path]);
    const report = JSON.parse(check.report) as { events: { read: number; podSecurity: number } };
    if (report.events.read !== events) throw new Error(`psa read ${String(report.events.read)} of ${String(events)}`);
    const rounds = 3;
    const floorMs: number[] = [];
    const psaMs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      floorMs.push(await time(() => readAndParse(path)));
      psaMs.push(await time(() => psa([path])));
    }
    const floor = Math.min(...floorMs);
    const ours = Math.min(...psaMs);
    const jqMs = jq(path);
    const memory = { one: childMemory(1, path), three: childMemory(3, path) };
    const rate = (ms: number): string => Math.round(events / (ms / 1000)).toLocaleString('en-US');
    const columns: Column[] = [
      { header: 'case' },
      { header: 'ms (fastest of 3)', align: 'right' },
      { header: 'events/s', align: 'right' },
      { header: 'ratio to the floor', align: 'right' },
    ];
    const rows = [
      ['floor: read + JSON.parse every line (Node)', floor.toFixed(0), rate(floor), '1.00'],
      ['psa audit-log -o json', ours.toFixed(0), rate(ours), (ours / floor).toFixed(2)],
      ...(jqMs === undefined
        ? [['jq (not installed)', '-', '-', '-']]
        : [[`jq -c '${JQ_FILTER}' (1 run)`, jqMs.toFixed(0), rate(jqMs), (jqMs / floor).toFixed(2)]]),
    ];
    const memColumns: Column[] = [
      { header: 'process' },
      { header: `${(events / 1e6).toFixed(1)}M events (${mib.toFixed(0)} MiB)`, align: 'right' },
      { header: `3x (${(mib * 3).toFixed(0)} MiB)`, align: 'right' },
      { header: 'growth', align: 'right' },
    ];
    const kib = (n: number): string => `${(n / 1024).toFixed(0)} MiB`;
    const memRows = [
      [
        'psa audit-log -o json (peak RSS)',
        kib(memory.one),
        kib(memory.three),
        `${(memory.three / memory.one).toFixed(2)}x`,
      ],
    ];
    const summary = `input: ${events.toLocaleString('en-US')} events (${report.events.podSecurity.toLocaleString('en-US')} Pod Security), ${mib.toFixed(0)} MiB`;
    process.stdout.write(`${summary}\n${formatTable(columns, rows)}\n\n${formatTable(memColumns, memRows)}\n`);
    const ratio = ours / floor;
    process.stdout.write(`target: psa <= 1.5x the floor: ${ratio <= 1.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)\n`);
    const doc = `# audit-log performance

Generated by \`npm run bench -- audit-log\` (\`bench/audit-log.bench.ts\`); do not edit by hand.

The input is one generated kube-apiserver audit log of ${events.toLocaleString('en-US')} JSON-lines events
(${mib.toFixed(0)} MiB, ${report.events.podSecurity.toLocaleString('en-US')} of them Pod Security events: audit
violations, refusals and namespace exemptions, half logged at level Request with the pod; the rest ordinary API
traffic), shaped like the real log in \`test/audit-log/fixtures/real\` (\`bench/lib/audit-log-gen.ts\`). **The floor**
reads the same file in the same 1 MiB chunks and \`JSON.parse\`s every line, nothing else. **psa audit-log** is the
whole command in-process (read, pick the Pod Security events, aggregate, re-evaluate exempt pods, the JSON report):
it JSON-parses only the lines that mention Pod Security and checks the shape of the others in place, which is why it
can beat the floor. jq runs as its own process.

${formatMarkdownTable(columns, rows)}

Peak memory (each in a fresh process; the 3x run reads the same file three times, as three rotated files would be):

${formatMarkdownTable(memColumns, memRows)}

Target: psa <= 1.5x the floor: **${ratio <= 1.5 ? 'met' : 'not met'}** (${ratio.toFixed(2)}x). A 2 GiB log streamed
through standard input is measured by \`node --import tsx bench/audit-log-stream.ts\` (see docs/performance.md).

Machine: ${formatMachine(machineInfo()).replaceAll('\n', '; ')}
`;
    writeFileSync(join(root, 'docs', 'perf', 'audit-log.md'), doc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
