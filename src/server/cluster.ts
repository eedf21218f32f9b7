import cluster, { type Worker } from 'node:cluster';
import process from 'node:process';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from './logger.ts';

/**
 * `--workers N`: N processes share the listening port (node:cluster, connections distributed round-robin), each a
 * complete webhook with its own namespace cache. The primary only supervises: it restarts a worker that dies, relays
 * SIGTERM/SIGINT, and aggregates the workers' metrics so `/metrics` on any worker shows the whole process group.
 */

const METRICS_REQUEST = 'psa:metrics-request';
const METRICS_RESPONSE = 'psa:metrics-response';

interface MetricsMessage {
  readonly type: string;
  readonly id: number;
  readonly text?: string;
  readonly error?: string;
}

function isMetricsMessage(value: unknown): value is MetricsMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** In a worker, once it has stopped serving: closes the IPC channel so the process can exit. */
export function leaveCluster(): void {
  cluster.worker?.disconnect();
}

/** In a worker: answers the primary's metric collection from `registry`; returns how to fetch cluster-wide text. */
export function joinMetricsCluster(registry: Registry): () => Promise<string> {
  // Constructing an AggregatorRegistry installs prom-client's worker-side listener for the primary's requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let next = 0;
  const pending = new Map<number, (message: MetricsMessage) => void>();
  process.on('message', (message: unknown) => {
    if (!isMetricsMessage(message) || message.type !== METRICS_RESPONSE) return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('metrics aggregation timed out'));
      }, 5000);
      pending.set(id, (message) => {
        clearTimeout(timer);
        if (message.text !== undefined) resolve(message.text);
        else reject(new Error(message.error ?? 'metrics aggregation failed'));
      });
      process.send?.({ type: METRICS_REQUEST, id });
    });
}

/**
 * In the primary: forks `count` workers and supervises them until SIGTERM/SIGINT, then relays the signal and waits for
 * every worker to exit. Resolves 0 after a clean stop, 2 if the workers fail to start (they print why).
 */
export async function runPrimary(count: number, logger: Logger): Promise<number> {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let anyListened = false;
  let startupFailed = false;

  const onMessage = (worker: Worker, message: unknown): void => {
    if (!isMetricsMessage(message) || message.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
      (error: unknown) =>
        worker.send({
          type: METRICS_RESPONSE,
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  };
  cluster.on('message', onMessage);

  const started = new Map<number, boolean>();
  const fork = (): void => {
    const worker = cluster.fork();
    started.set(worker.id, false);
    worker.once('listening', () => {
      started.set(worker.id, true);
      anyListened = true;
    });
  };

  const allExited = new Promise<void>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      const wasListening = started.get(worker.id) === true;
      started.delete(worker.id);
      if (!stopping && !wasListening && !anyListened) {
        // A worker that never listened failed at startup (bad flags, files, port): stop, do not loop.
        startupFailed = true;
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      } else if (!stopping) {
        logger.error({ worker: worker.process.pid, code, signal }, 'worker exited, starting a replacement');
        setTimeout(fork, 1000).unref();
      }
      if (Object.keys(cluster.workers ?? {}).length === 0 && stopping) resolve();
    });
  });

  for (let i = 0; i < count; i++) fork();

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: count }, 'termination signal received, stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await allExited;
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  cluster.off('message', onMessage);
  return startupFailed ? 2 : 0;
}
