import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import process from 'node:process';
import { createAdmission } from '../admission/create.ts';
import type { ListedPod, MetricsRecorder, AdmissionSettings } from '../admission/types.ts';
import { formatConfigError, loadConfiguration } from '../config/load.ts';
import { decodePod } from '../k8s/decode-pod.ts';
import type { CliIo } from '../process-io.ts';
import { createAdmissionReviewHandler } from './admission-handler.ts';
import type { SettingsLoader } from './config-source.ts';
import { createFileClusterSource } from './file-source.ts';
import { createKubeClusterSource } from './kube-source.ts';
import { isClusterWorker, joinMetricsCluster } from './cluster.ts';
import type { Logger } from './logger.ts';
import { createServerMetrics } from './metrics.ts';
import type { ClusterSource } from './namespace-source.ts';
import type { ServeOptions } from './options.ts';
import type { ReviewHandlerFactory, RunningWebhook } from './webhook.ts';
import { startWebhook } from './webhook.ts';

/** Builds the settings loader for `--config` / `--talos-patch` (the built-in default without them). */
export function createSettingsLoader(
  options: Pick<ServeOptions, 'configFile' | 'talosPatches'>,
  cwd: string,
): SettingsLoader {
  return async () => {
    const result = await loadConfiguration({
      ...(options.configFile === undefined ? {} : { configPath: options.configFile }),
      talosPatches: options.talosPatches,
      readFile: (path) => readFile(path, 'utf8'),
      cwd,
    });
    if (result.ok) return { ok: true, value: result.settings };
    const message =
      result.upstreamMessage ?? result.errors.map((error) => formatConfigError(error, options.configFile)).join('; ');
    return { ok: false, message };
  };
}

/** Reduces a pod listed from the API to what namespace evaluation reads; pods that do not decode are skipped. */
export function decodeListedPod(raw: unknown): ListedPod | undefined {
  const decoded = decodePod(raw);
  if (decoded.issues.length > 0) return undefined;
  return { metadata: decoded.value.metadata, spec: decoded.value.spec };
}

/** One PodSecurityAdmission per configuration, sharing the cluster source and the metrics recorder. */
export const createReviewHandler: ReviewHandlerFactory = (
  settings: AdmissionSettings,
  source: ClusterSource,
  metrics: MetricsRecorder,
) => createAdmissionReviewHandler(createAdmission({ settings, namespaces: source, pods: source, metrics }));

export function createClusterSource(
  options: ServeOptions,
  logger: Logger,
  cwd: string,
  onReload?: (ok: boolean) => void,
): ClusterSource {
  if (options.namespacesFrom !== undefined) {
    return createFileClusterSource({
      file: resolve(cwd, options.namespacesFrom),
      intervalMs: options.fileWatchIntervalMs,
      logger,
      ...(onReload === undefined ? {} : { onReload }),
    });
  }
  return createKubeClusterSource({
    kubeconfig: options.kubeconfig === undefined ? undefined : resolve(cwd, options.kubeconfig),
    qps: options.clientQpsLimit,
    burst: options.clientQpsBurst,
    logger,
    decodePod: decodeListedPod,
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Waits for SIGTERM or SIGINT. Exposed so tests can substitute their own trigger. */
export function waitForTermination(): Promise<string> {
  return new Promise((resolvePromise) => {
    const onSignal = (signal: string): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolvePromise(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * Runs the webhook in this process (alone, or as one `--workers` process) until SIGTERM/SIGINT, then drains and
 * resolves 0. Startup problems (TLS files, configuration, namespaces file, port) are reported on stderr with exit
 * code 2.
 */
export async function serveUntilTerminated(options: ServeOptions, logger: Logger, io: CliIo): Promise<number> {
  const worker = isClusterWorker();
  let webhook: RunningWebhook;
  try {
    const source = createClusterSource(options, logger, io.cwd);
    const metrics = createServerMetrics();
    webhook = await startWebhook(options, {
      logger,
      source,
      loadSettings: createSettingsLoader(options, io.cwd),
      createHandler: createReviewHandler,
      metrics: worker ? { ...metrics, exposition: joinMetricsCluster(metrics.registry) } : metrics,
    });
  } catch (error) {
    io.stderr.write(`psa serve: ${describe(error)}\n`);
    return 2;
  }
  const signal = await waitForTermination();
  logger.info({ signal }, 'termination signal received');
  // A worker can get the same stop twice (Ctrl-C reaches the whole process group, and the primary relays it): the
  // second must not cut the drain short.
  if (worker) ignoreTerminationSignals();
  await webhook.terminate();
  return 0;
}

function ignoreTerminationSignals(): void {
  const ignore = (): void => undefined;
  process.on('SIGTERM', ignore);
  process.on('SIGINT', ignore);
}
