import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { AdmissionSettings, MetricsRecorder } from '../admission/types.ts';
import { createConfigSource, type ConfigSource, type SettingsLoader } from './config-source.ts';
import { watchFiles, type FileWatcher } from './file-watch.ts';
import { createWebhookHttpServer, type WebhookHttpServer } from './http-server.ts';
import type { Logger } from './logger.ts';
import { createServerMetrics, type ServerMetrics } from './metrics.ts';
import type { ClusterSource } from './namespace-source.ts';
import type { ServeOptions } from './options.ts';
import type { ReviewHandler } from './review.ts';
import { buildTlsOptions } from './tls-material.ts';

/** Builds the admission review handler for one configuration (called again on every configuration reload). */
export type ReviewHandlerFactory = (
  settings: AdmissionSettings,
  source: ClusterSource,
  metrics: MetricsRecorder,
) => ReviewHandler;

export interface WebhookDependencies {
  readonly logger: Logger;
  readonly source: ClusterSource;
  readonly loadSettings: SettingsLoader;
  readonly createHandler: ReviewHandlerFactory;
  readonly metrics?: ServerMetrics;
}

export interface RunningWebhook {
  readonly address: AddressInfo;
  readonly metrics: ServerMetrics;
  readonly http: WebhookHttpServer;
  readonly config: ConfigSource;
  /** Re-checks the certificate files now (the watcher does the same every interval). */
  reloadTls(): Promise<void>;
  /** Graceful stop: see `WebhookHttpServer.shutdown`; then stops the watchers and the namespace source. */
  shutdown(graceMs?: number): Promise<void>;
  /** Fails `/readyz`, waits `delayMs` while serving normally, then shuts down (what SIGTERM does). */
  terminate(delayMs?: number, graceMs?: number): Promise<void>;
}

/** Starts the webhook: loads configuration and TLS material, starts the namespace source, then listens. */
export async function startWebhook(options: ServeOptions, deps: WebhookDependencies): Promise<RunningWebhook> {
  const { logger, source } = deps;
  const metrics = deps.metrics ?? createServerMetrics();
  const tlsFiles = [
    options.tlsCertFile,
    options.tlsPrivateKeyFile,
    ...(options.clientCaFile === undefined ? [] : [options.clientCaFile]),
  ];
  const [cert, key, ca] = await Promise.all(tlsFiles.map((file) => readFile(file)));
  if (cert === undefined || key === undefined) throw new Error('unreachable: certificate files not read');
  const tls = buildTlsOptions(cert, key, ca);

  let handler: ReviewHandler | undefined;
  const config = await createConfigSource({
    files: [...(options.configFile === undefined ? [] : [options.configFile]), ...options.talosPatches],
    load: deps.loadSettings,
    intervalMs: options.fileWatchIntervalMs,
    logger,
    onChange: (settings) => {
      handler = deps.createHandler(settings, source, metrics.recorder);
    },
    onReload: (ok) => metrics.reload('config', ok),
  });
  handler = deps.createHandler(config.current, source, metrics.recorder);

  try {
    await source.start();
  } catch (error) {
    config.close();
    await source.stop();
    throw error;
  }

  const http = createWebhookHttpServer({
    tls,
    requireClientCert: options.clientCaFile !== undefined,
    minVersion: options.tlsMinVersion,
    handler: (body, context) => {
      if (handler === undefined) throw new Error('unreachable: no admission handler');
      return handler(body, context);
    },
    isReady: () => source.synced,
    metrics,
    logger,
    maxInFlight: options.maxInFlight,
    maxConnections: options.maxConnections,
    maxQueued: options.maxQueued,
    requestTimeoutMs: options.requestTimeoutMs,
    handshakeTimeoutMs: options.tlsHandshakeTimeoutMs,
    headersTimeoutMs: options.readHeaderTimeoutMs,
    keepAliveTimeoutMs: options.idleTimeoutMs,
    bodyTimeoutMs: options.slowClientTimeoutMs,
    writeStallMs: options.slowClientTimeoutMs,
  });

  let primed = false;
  const tlsWatcher: FileWatcher = watchFiles(
    tlsFiles,
    options.fileWatchIntervalMs,
    ([newCert, newKey, newCa]) => {
      if (!primed) {
        primed = true;
        return;
      }
      if (newCert === undefined || newKey === undefined) return;
      try {
        http.setSecureContext(buildTlsOptions(newCert, newKey, newCa));
        metrics.reload('tls', true);
        logger.info({ cert: options.tlsCertFile }, 'TLS certificate reloaded');
      } catch (error) {
        // cert-manager writes the certificate and the key one after the other: a mismatch is usually transient and
        // resolves at the next poll. The previous certificate keeps serving meanwhile.
        metrics.reload('tls', false);
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'TLS material rejected, keeping the previous certificate',
        );
      }
    },
    (error) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'cannot read TLS files'),
  );
  await tlsWatcher.poll();
  primed = true;

  let address: AddressInfo;
  try {
    address = await http.listen(options.securePort, options.bindAddress);
  } catch (error) {
    tlsWatcher.close();
    config.close();
    await source.stop();
    throw error;
  }
  logger.info({ address: address.address, port: address.port, ready: source.synced }, 'serving admission webhook');

  const running: RunningWebhook = {
    address,
    metrics,
    http,
    config,
    reloadTls: () => tlsWatcher.poll(),
    async terminate(delayMs = options.shutdownDelayMs, graceMs = options.shutdownGracePeriodMs) {
      http.markNotReady();
      if (delayMs > 0) {
        logger.info({ delayMs }, 'not ready; serving until endpoints drop this replica');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      await running.shutdown(graceMs);
    },
    async shutdown(graceMs = options.shutdownGracePeriodMs) {
      logger.info({ inFlight: http.inFlight }, 'shutting down');
      await http.shutdown(graceMs);
      tlsWatcher.close();
      config.close();
      await source.stop();
      logger.info('shut down');
    },
  };
  return running;
}
