/** The machine a benchmark ran on, printed once per run and stored beside the results. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where benchmarks write machine-readable results: `BENCH_OUT`, or `bench/.out` (git-ignored). */
export function benchOutDir(): string {
  const fromEnv = process.env['BENCH_OUT'];
  return fromEnv !== undefined && fromEnv !== ''
    ? fromEnv
    : join(dirname(fileURLToPath(import.meta.url)), '..', '.out');
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly loadAverage: readonly number[];
  readonly node: string;
  readonly go: string;
  readonly platform: string;
  readonly date: string;
}

function goVersion(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'go: not found';
  }
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    go: goVersion(),
    platform: `${process.platform}/${process.arch}`,
    date: new Date().toISOString(),
  };
}

export function formatMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cpuModel}, ${String(m.cores)} cores, ${String(m.memoryGiB)} GiB, ${m.platform}`,
    `runtime: node ${m.node}, ${m.go}`,
    `load average at start: ${m.loadAverage.join(', ')} (${m.date})`,
  ].join('\n');
}
