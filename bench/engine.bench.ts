/**
 * Engine throughput: evaluations per second of our `evaluatePod` against upstream's evaluator (the Go oracle's bench
 * mode), for the pods of `lib/engine-pods.ts` at restricted:latest and baseline:latest, in the same run. One evaluation = run the checks,
 * aggregate, and render both strings; decoding is outside the loop on both sides.
 *
 * Usage: npm run bench -- engine [--quick] [--json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLevel, parseVersion, type LevelVersion } from '../src/api/index.ts';
import { decodePod, type PodShape } from '../src/k8s/index.ts';
import { evaluatePod } from '../src/policy/index.ts';
import { compareAnswers, defaultRawPod, evaluateOurs } from '../conformance/lib/engine.ts';
import { buildOracle, startOracle, type EvalRequest, type EvalResponse } from '../conformance/lib/oracle.ts';
import { engineLevelVersions, enginePods } from './lib/engine-pods.ts';
import { benchOutDir, machineInfo } from './lib/machine.ts';
import { startUpstreamBench } from './lib/oracle.ts';
import { formatMarkdownTable, formatTable, type Column } from './lib/table.ts';
import { formatNs, formatRate, measure, percentile } from './lib/timing.ts';

interface Case {
  readonly label: string;
  readonly request: EvalRequest;
  readonly lv: LevelVersion;
  readonly pod: PodShape;
}

function buildCases(): Case[] {
  const cases: Case[] = [];
  for (const { name, raw } of enginePods) {
    const defaulted = defaultRawPod(raw);
    const decoded = decodePod(defaulted);
    if (decoded.issues.length > 0) throw new Error(`${name}: ${JSON.stringify(decoded.issues)}`);
    for (const text of engineLevelVersions) {
      const [levelText, versionText] = text.split(':') as [string, string];
      const level = parseLevel(levelText);
      const version = parseVersion(versionText);
      if (!level.ok || !version.ok) throw new Error(`bad level:version ${text}`);
      cases.push({
        label: `${name} @ ${text}`,
        request: { id: cases.length, level: levelText, version: versionText, pod: defaulted },
        lv: { level: level.value, version: version.value },
        pod: decoded.value,
      });
    }
  }
  return cases;
}

/** Both sides must give the same verdict on what we time, or the ratio means nothing. */
async function checkAgreement(cases: readonly Case[], binary: string): Promise<EvalResponse[]> {
  const oracle = startOracle<EvalRequest, EvalResponse>('eval', { binary });
  try {
    const upstream = await oracle.send(cases.map((c) => c.request));
    cases.forEach((c, i) => {
      const diff = compareAnswers(evaluateOurs(c.request), upstream[i]!);
      if (diff !== undefined) throw new Error(`${c.label}: our answer differs from upstream (${diff})`);
    });
    return upstream;
  } finally {
    await oracle.close();
  }
}

let sink = 0;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    strict: false,
  });
  const quick = values.quick === true;
  const binary = buildOracle();
  const cases = buildCases();
  const verdicts = await checkAgreement(cases, binary);

  // The machine is shared, so load drifts: interleave the two sides case by case and round by round, and report
  // each side's median over the rounds (and the median of the per-round ratios).
  const rounds = quick ? 3 : 5;
  const sampleMs = quick ? 200 : 500;
  const upstreamBench = startUpstreamBench({ binary, benchtime: `${String(sampleMs)}ms`, warmup: '100ms' });
  const oursRounds: number[][] = cases.map(() => []);
  const upstreamRounds: number[][] = cases.map(() => []);
  // Process CPU time per op as well: with more runnable work than cores, wall time also measures the scheduler.
  const oursCpuRounds: number[][] = cases.map(() => []);
  const upstreamCpuRounds: number[][] = cases.map(() => []);
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [i, c] of cases.entries()) {
        const mine = measure(
          (n) => {
            for (let k = 0; k < n; k++) sink += evaluatePod(c.lv, c.pod.metadata, c.pod.spec).forbiddenDetail.length;
          },
          { warmupMs: 100, sampleMs, samples: 1 },
        );
        const [theirs] = await upstreamBench.run([c.request]);
        oursRounds[i]!.push(mine.nsPerOp);
        upstreamRounds[i]!.push(theirs!.nsPerOp);
        oursCpuRounds[i]!.push(mine.cpuNsPerOp);
        upstreamCpuRounds[i]!.push(theirs!.cpuNsPerOp);
      }
    }
  } finally {
    await upstreamBench.close();
  }
  const summary = cases.map((_, i) => {
    const oursNs = percentile(oursRounds[i]!, 50);
    const upstreamNs = percentile(upstreamRounds[i]!, 50);
    const ratios = oursRounds[i]!.map((ns, r) => upstreamRounds[i]![r]! / ns);
    const cpuRatios = oursCpuRounds[i]!.map((ns, r) => upstreamCpuRounds[i]![r]! / ns);
    return {
      oursNs,
      upstreamNs,
      ratio: percentile(ratios, 50),
      ratios,
      oursCpuNs: percentile(oursCpuRounds[i]!, 50),
      upstreamCpuNs: percentile(upstreamCpuRounds[i]!, 50),
      cpuRatio: percentile(cpuRatios, 50),
    };
  });

  const columns: Column[] = [
    { header: 'case' },
    { header: 'verdict' },
    { header: 'ours ops/s', align: 'right' },
    { header: 'ours ns/op', align: 'right' },
    { header: 'upstream ops/s', align: 'right' },
    { header: 'upstream ns/op', align: 'right' },
    { header: 'ours/upstream (median)', align: 'right' },
    { header: 'ours CPU ns/op', align: 'right' },
    { header: 'upstream CPU ns/op', align: 'right' },
    { header: 'ours/upstream CPU (median)', align: 'right' },
  ];
  const rows = cases.map((c, i) => {
    const v = verdicts[i]!;
    const verdict = v.error !== undefined ? 'error' : v.allowed ? 'allowed' : `denied (${String(v.reasons.length)})`;
    const m = summary[i]!;
    return [
      c.label,
      verdict,
      formatRate(1e9 / m.oursNs),
      formatNs(m.oursNs),
      formatRate(1e9 / m.upstreamNs),
      formatNs(m.upstreamNs),
      m.ratio.toFixed(2),
      formatNs(m.oursCpuNs),
      formatNs(m.upstreamCpuNs),
      m.cpuRatio.toFixed(2),
    ];
  });
  process.stdout.write(`${formatTable(columns, rows)}\n`);
  for (const [what, worst] of [
    ['wall', Math.min(...summary.map((m) => m.ratio))],
    ['CPU', Math.min(...summary.map((m) => m.cpuRatio))],
  ] as const) {
    process.stdout.write(
      `lowest ${what} ratio: ${worst.toFixed(2)} (target >= 2.00)${worst < 2 ? '  BELOW TARGET' : ''}\n`,
    );
  }

  const out = benchOutDir();
  mkdirSync(out, { recursive: true });
  const result = {
    benchmark: 'engine',
    machine: machineInfo(),
    quick,
    rounds,
    sampleMs,
    cases: cases.map((c, i) => ({
      case: c.label,
      oursNsPerOp: summary[i]!.oursNs,
      upstreamNsPerOp: summary[i]!.upstreamNs,
      ratio: summary[i]!.ratio,
      oursCpuNsPerOp: summary[i]!.oursCpuNs,
      upstreamCpuNsPerOp: summary[i]!.upstreamCpuNs,
      cpuRatio: summary[i]!.cpuRatio,
      oursRoundsNs: oursRounds[i],
      upstreamRoundsNs: upstreamRounds[i],
      oursCpuRoundsNs: oursCpuRounds[i],
      upstreamCpuRoundsNs: upstreamCpuRounds[i],
    })),
    markdown: formatMarkdownTable(columns, rows),
  };
  writeFileSync(join(out, 'engine.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (values.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
  if (sink === -1) process.stdout.write('\n');
}

await main();
