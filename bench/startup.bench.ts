/**
 * Whole-process start-up of the `psa` binary, as pre-commit hooks and editors run it on one file at a time: wall time
 * of `psa --version`, `psa --help` and `psa check -o json` on a one-Deployment file, each a fresh process, interleaved
 * round by round with the floor `node -e 0` on the same machine. Also the unbundled tsc build (`dist/main.js`) for
 * reference. Builds first (`npm run build`), so it measures the package's real `bin` (the bundle, dist/psa.cjs).
 *
 * Usage: npm run bench -- startup [--rounds N] [--json]      (PSA_NODE=/path/to/node to time another Node)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchOutDir, machineInfo } from './lib/machine.ts';
import { formatMarkdownTable, formatTable, type Column } from './lib/table.ts';
import { percentile } from './lib/timing.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.env['PSA_NODE'] ?? process.execPath;

const ONE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: example-workload
  namespace: default
spec:
  selector:
    matchLabels: {app: example-workload}
  template:
    metadata:
      labels: {app: example-workload}
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
`;

interface Command {
  readonly label: string;
  readonly args: readonly string[];
  /** The exit code the command must return (a wrong one means the timing is of an error path). */
  readonly exit: number;
}

function commands(file: string): Command[] {
  const bin = join(ROOT, 'dist', 'psa.cjs');
  const tsc = join(ROOT, 'dist', 'main.js');
  return [
    { label: 'node -e 0 (floor)', args: ['-e', '0'], exit: 0 },
    { label: 'psa --version', args: [bin, '--version'], exit: 0 },
    { label: 'psa --help', args: [bin, '--help'], exit: 0 },
    { label: 'psa check -o json (1 Deployment)', args: [bin, 'check', '-o', 'json', file], exit: 0 },
    { label: 'unbundled: node dist/main.js check -o json', args: [tsc, 'check', '-o', 'json', file], exit: 0 },
  ];
}

/**
 * CPU milliseconds (user + system) of this process's finished children, from /proc/self/stat (Linux; clock ticks of
 * 10 ms, so only sums over many runs are meaningful); undefined elsewhere.
 */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": state is field 3, cutime and cstime are fields 16 and 17 (1-based) of the whole line.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** Wall milliseconds and (coarse) CPU milliseconds of one fresh process. */
function runOnce(command: Command): { wall: number; cpu: number | undefined } {
  const cpuBefore = childrenCpuMs();
  const started = process.hrtime.bigint();
  const r = spawnSync(NODE, command.args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== command.exit) throw new Error(`${command.label}: exit ${String(r.status)}\n${r.stderr}`);
  const cpuAfter = childrenCpuMs();
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

/** Peak RSS in MiB through GNU time, when it is installed. */
function peakRssMiB(command: Command): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', NODE, ...command.args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const kib = Number(r.stderr.trim().split('\n').at(-1));
  return Number.isFinite(kib) ? kib / 1024 : undefined;
}

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { rounds: { type: 'string', default: '25' }, json: { type: 'boolean', default: false } },
    strict: false,
  });
  const rounds = Number(values.rounds);
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) throw new Error('npm run build failed');
  const out = benchOutDir();
  mkdirSync(out, { recursive: true });
  const file = join(out, 'one-deployment.yaml');
  writeFileSync(file, ONE_DEPLOYMENT);
  const cmds = commands(file);
  for (const c of cmds) runOnce(c); // warm the file system cache (and the compile cache, where Node has one)

  // Shared machine: every round runs every command once, in a rotating order, and ratios are taken within a round.
  const times: number[][] = cmds.map(() => []);
  const cpu: number[] = cmds.map(() => 0);
  let cpuKnown = true;
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cmds.length; j++) {
      const i = (j + r) % cmds.length;
      const run = runOnce(cmds[i]!);
      times[i]!.push(run.wall);
      if (run.cpu === undefined) cpuKnown = false;
      else cpu[i]! += run.cpu;
    }
  }
  const floor = times[0]!;
  const summary = cmds.map((c, i) => {
    const ratios = times[i]!.map((ms, r) => ms / floor[r]!);
    return {
      label: c.label,
      medianMs: percentile(times[i]!, 50),
      ratio: percentile(ratios, 50),
      // With more runnable work than cores, wall time multiplies every extra CPU millisecond by the queue length:
      // mean CPU per run (summed over the rounds) is the steadier measure.
      cpuMs: cpuKnown ? cpu[i]! / rounds : undefined,
      cpuRatio: cpuKnown ? cpu[i]! / cpu[0]! : undefined,
      rss: peakRssMiB(c),
    };
  });
  const columns: Column[] = [
    { header: 'command' },
    { header: 'wall ms (median)', align: 'right' },
    { header: 'x node -e 0 (median of rounds)', align: 'right' },
    { header: 'CPU ms (mean)', align: 'right' },
    { header: 'CPU x node -e 0', align: 'right' },
    { header: 'peak RSS MiB', align: 'right' },
  ];
  const rows = summary.map((s) => [
    s.label,
    s.medianMs.toFixed(1),
    s.ratio.toFixed(2),
    s.cpuMs === undefined ? '-' : s.cpuMs.toFixed(1),
    s.cpuRatio === undefined ? '-' : s.cpuRatio.toFixed(2),
    s.rss === undefined ? '-' : s.rss.toFixed(0),
  ]);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  process.stdout.write(`node: ${NODE} (${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}); `);
  process.stdout.write(`psa bin: ${pkg.bin['psa'] ?? '?'}; ${String(rounds)} interleaved rounds\n`);
  process.stdout.write(`${formatTable(columns, rows)}\n`);
  const check = summary[3]!;
  process.stdout.write(
    `one-file check: ${check.ratio.toFixed(2)}x node -e 0 wall, ${check.cpuRatio?.toFixed(2) ?? '?'}x CPU (target <= 1.50)` +
      `${check.ratio > 1.5 ? '  ABOVE TARGET' : ''}\n`,
  );
  const result = {
    benchmark: 'startup',
    machine: machineInfo(),
    node: NODE,
    rounds,
    commands: summary.map((s, i) => ({ ...s, roundsMs: times[i] })),
    markdown: formatMarkdownTable(columns, rows),
  };
  writeFileSync(join(out, 'startup.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (values.json === true) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main();
