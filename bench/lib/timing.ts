/** A timing loop in the style of Go's testing.B: warm up, then grow the iteration count until a run is long enough. */

export interface Measurement {
  /** Iterations in the reported run. */
  readonly iterations: number;
  readonly nsPerOp: number;
  readonly opsPerSec: number;
  /** ns/op of every sample, in run order (the reported value is their median). */
  readonly samples: readonly number[];
  /** Process CPU time (user + system, every thread) per op in the reported sample. */
  readonly cpuNsPerOp: number;
}

export interface MeasureOptions {
  /** Unmeasured warm-up time (lets the JIT settle). Default 300 ms. */
  readonly warmupMs?: number;
  /** Minimum duration of one measured sample. Default 500 ms. */
  readonly sampleMs?: number;
  /** Measured samples; the median is reported. Default 3. */
  readonly samples?: number;
}

/** Runs `op(n)` (which must do n units of work) for at least `ms`, and returns that run's count and duration. */
function timed(op: (n: number) => void, ms: number): { n: number; ns: number; cpuNs: number } {
  const target = BigInt(Math.round(ms * 1e6));
  let n = 1;
  for (;;) {
    const startCpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    op(n);
    const elapsed = process.hrtime.bigint() - start;
    if (elapsed >= target || n >= 1e9) {
      const cpu = process.cpuUsage(startCpu);
      return { n, ns: Number(elapsed), cpuNs: (cpu.user + cpu.system) * 1000 };
    }
    // Aim 20% past the target from the observed rate, growing by at least one and at most 100x per step.
    let next = elapsed > 0n ? Math.ceil((n * 1.2 * Number(target)) / Number(elapsed)) : n * 100;
    next = Math.min(next, n * 100);
    n = Math.max(next, n + 1);
  }
}

/** Measures `op(n)` (n units of work per call): warm-up, then `samples` runs; reports the median ns/op. */
export function measure(op: (n: number) => void, options: MeasureOptions = {}): Measurement {
  timed(op, options.warmupMs ?? 300);
  const runs: { n: number; ns: number; cpuNs: number }[] = [];
  for (let i = 0; i < (options.samples ?? 3); i++) runs.push(timed(op, options.sampleMs ?? 500));
  const perOp = runs.map((r) => r.ns / r.n);
  const nsPerOp = percentile(perOp, 50);
  const median = runs[perOp.indexOf(nsPerOp)] ?? runs[0]!;
  return {
    iterations: median.n,
    nsPerOp,
    opsPerSec: 1e9 / nsPerOp,
    samples: perOp,
    cpuNsPerOp: median.cpuNs / median.n,
  };
}

/**
 * The p-th percentile (0..100) by nearest rank on a sorted copy; the median of an even count is the lower middle so
 * that the result is always an observed value.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${String(p)} outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Ops/sec with thousands separators and no decimals, e.g. `1,234,567`. */
export function formatRate(opsPerSec: number): string {
  return Math.round(opsPerSec).toLocaleString('en-US');
}

/** ns with one decimal below 100 and none above, e.g. `312` or `45.2`. */
export function formatNs(ns: number): string {
  return ns < 100 ? ns.toFixed(1) : Math.round(ns).toLocaleString('en-US');
}
