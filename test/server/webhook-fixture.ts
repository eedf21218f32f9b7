// Starts the real webhook (startWebhook with the production wiring from serve.ts) on 127.0.0.1:0 with files in a
// temporary directory, so tests can edit the configuration, namespaces and certificates under it.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClusterSource, createReviewHandler, createSettingsLoader } from '../../src/server/serve.ts';
import type { Logger } from '../../src/server/logger.ts';
import { createServerMetrics } from '../../src/server/metrics.ts';
import { parseServeArgs } from '../../src/server/options.ts';
import { startWebhook, type RunningWebhook } from '../../src/server/webhook.ts';
import type { TestPki } from './certs.ts';
import { silentLogger } from './helpers.ts';

export interface TestWebhook {
  readonly port: number;
  readonly webhook: RunningWebhook;
  readonly dir: string;
  readonly files: { readonly config: string; readonly namespaces: string; readonly cert: string; readonly key: string };
  stop(): Promise<void>;
}

export async function startTestWebhook(options: {
  readonly pki: TestPki;
  readonly config: string;
  /** The namespaces file (`--namespaces-from`); omit it to use `kubeconfig`. */
  readonly namespaces?: string;
  /** A kubeconfig path (`--kubeconfig`), e.g. for the Kubernetes API stand-in. */
  readonly kubeconfig?: string;
  readonly logger?: Logger;
  readonly extraArgs?: readonly string[];
}): Promise<TestWebhook> {
  const dir = mkdtempSync(join(tmpdir(), 'psa-webhook-'));
  const files = {
    config: join(dir, 'config.yaml'),
    namespaces: join(dir, 'namespaces.yaml'),
    cert: join(dir, 'tls.crt'),
    key: join(dir, 'tls.key'),
  };
  writeFileSync(files.config, options.config);
  if (options.namespaces !== undefined) writeFileSync(files.namespaces, options.namespaces);
  copyFileSync(options.pki.server.cert, files.cert);
  copyFileSync(options.pki.server.key, files.key);
  const parsed = parseServeArgs([
    '--tls-cert-file',
    files.cert,
    '--tls-private-key-file',
    files.key,
    '--secure-port',
    '0',
    '--bind-address',
    '127.0.0.1',
    '--config',
    files.config,
    ...(options.kubeconfig === undefined
      ? ['--namespaces-from', files.namespaces]
      : ['--kubeconfig', options.kubeconfig]),
    '--file-watch-interval',
    '50ms',
    ...(options.extraArgs ?? []),
  ]);
  if (parsed.kind !== 'options') throw new Error(`bad test flags: ${JSON.stringify(parsed)}`);
  const logger = options.logger ?? silentLogger();
  const webhook = await startWebhook(parsed.options, {
    logger,
    source: createClusterSource(parsed.options, logger, dir),
    loadSettings: createSettingsLoader(parsed.options, dir),
    createHandler: createReviewHandler,
    metrics: createServerMetrics({ processMetrics: false }),
  });
  return {
    port: webhook.address.port,
    webhook,
    dir,
    files,
    async stop() {
      await webhook.shutdown(2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `probe` returns true (polling), or fails after `timeoutMs`. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
