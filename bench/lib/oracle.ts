/** Runs pods through the Go oracle's `bench` mode (upstream's evaluator in a Go benchmark loop). */
import { startOracle, type BenchResponse, type EvalRequest, type OracleClient } from '../../conformance/lib/oracle.ts';

export interface OracleBenchOptions {
  /** Measured time per pod, in Go duration syntax (`1s`, `500ms`). Default `1s`. */
  readonly benchtime?: string;
  /** Warm-up per pod. Default `300ms`. */
  readonly warmup?: string;
  /** The oracle binary; default: build it (or `PSA_ORACLE`). */
  readonly binary?: string;
}

export interface OracleBenchResult {
  readonly id: number | string;
  readonly iterations: number;
  readonly nsPerOp: number;
  readonly opsPerSec: number;
  /** Process CPU time (all threads, GC included) per op over the same run. */
  readonly cpuNsPerOp: number;
}

/** A running `oracle bench` process that measures one batch of pods per call. */
export interface UpstreamBench {
  run(requests: readonly EvalRequest[]): Promise<OracleBenchResult[]>;
  close(): Promise<void>;
}

/** Starts the oracle's bench mode; keep it open to interleave upstream and our measurements. */
export function startUpstreamBench(options: OracleBenchOptions = {}): UpstreamBench {
  const args = ['-benchtime', options.benchtime ?? '1s', '-warmup', options.warmup ?? '300ms'];
  const client: OracleClient<EvalRequest, BenchResponse> = startOracle('bench', {
    args,
    ...(options.binary === undefined ? {} : { binary: options.binary }),
  });
  return {
    async run(requests) {
      const answers = await client.send(requests);
      return answers.map((a) => {
        if (a.error !== undefined) throw new Error(`oracle bench: request ${String(a.id)}: ${a.error}`);
        return {
          id: a.id,
          iterations: a.iterations,
          nsPerOp: a.nsPerOp,
          opsPerSec: a.opsPerSec,
          cpuNsPerOp: a.cpuNsPerOp,
        };
      });
    },
    close: () => client.close(),
  };
}

/** Benchmarks each request in upstream's evaluator (one at a time, in order) and returns its ns/op. */
export async function benchUpstream(
  requests: readonly EvalRequest[],
  options: OracleBenchOptions = {},
): Promise<OracleBenchResult[]> {
  const bench = startUpstreamBench(options);
  try {
    return await bench.run(requests);
  } finally {
    await bench.close();
  }
}
