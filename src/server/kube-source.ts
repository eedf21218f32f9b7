import {
  CoreV1Api,
  KubeConfig,
  ListWatch,
  ServerConfiguration,
  Watch,
  createConfiguration,
  type V1Namespace,
} from '@kubernetes/client-node';
import type { ListedPod } from '../admission/types.ts';
import type { Namespace } from '../k8s/namespace.ts';
import { reusingAgents } from '../kube/auth.ts';
import { KubeConfigError, loadKubeConfigFrom } from '../kube/config.ts';
import { createRawLister, type RawLister } from '../kube/raw-lister.ts';
import type { Logger } from './logger.ts';
import {
  emptyNamespaceName,
  invalidNamespaceName,
  NamespaceLookupError,
  namespaceNotFound,
  toNamespace,
  withSignal,
  type ClusterSource,
} from './namespace-source.ts';
import { createTokenBucket } from './token-bucket.ts';

/** Turns a listed pod (plain JSON) into what namespace evaluation reads; undefined for one that does not decode. */
export type PodDecoder = (raw: unknown) => ListedPod | undefined;

export interface KubeSourceOptions {
  /** `--kubeconfig`; in-cluster service account configuration when absent. */
  readonly kubeconfig: string | undefined;
  readonly qps: number;
  readonly burst: number;
  readonly logger: Logger;
  readonly decodePod: PodDecoder;
  /** Reconnect backoff bounds for the namespace watch. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** Loads the client configuration (see {@link loadKubeConfigFrom}); failures as the lookup error admission reports. */
export function loadKubeConfig(kubeconfig: string | undefined): KubeConfig {
  try {
    return loadKubeConfigFrom({ kubeconfig, inCluster: kubeconfig === undefined });
  } catch (error) {
    if (error instanceof KubeConfigError) throw new NamespaceLookupError(error.message, { cause: error });
    throw error;
  }
}

function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode: status } = error as { readonly code?: unknown; readonly statusCode?: unknown };
  if (typeof code === 'number') return code;
  if (typeof status === 'number') return status;
  return undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A CoreV1Api and a raw lister whose calls share keep-alive connections (see {@link reusingAgents}). */
function makeCoreApi(config: KubeConfig): {
  readonly api: CoreV1Api;
  readonly lister: RawLister;
  readonly destroy: () => void;
} {
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new NamespaceLookupError('no current cluster in kubeconfig');
  const auth = reusingAgents(config);
  const api = new CoreV1Api(
    createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: auth } }),
  );
  return { api, lister: createRawLister(cluster.server, auth), destroy: () => auth.destroy() };
}

/**
 * Namespaces from the Kubernetes API as upstream reads them: a list+watch cache (no resync) with a live GET when the
 * cache has no entry (before sync, or a namespace created a moment ago). The watch reconnects with exponential
 * backoff; the cache keeps serving its last state meanwhile. Pods are listed live for namespace evaluation, as raw
 * JSON for our decoder. Every API call goes through one token bucket (`--client-qps-limit`, `--client-qps-burst`).
 */
export function createKubeClusterSource(
  options: KubeSourceOptions,
  config: KubeConfig = loadKubeConfig(options.kubeconfig),
): ClusterSource {
  const { logger } = options;
  const { api, lister, destroy: closeConnections } = makeCoreApi(config);
  const bucket = createTokenBucket(options.qps, options.burst);
  const minBackoff = options.minBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let synced = false;
  let stopped = false;
  let backoff = minBackoff;
  let retryTimer: NodeJS.Timeout | undefined;

  const informer = new ListWatch<V1Namespace>(
    '/api/v1/namespaces',
    new Watch(config),
    async () => {
      await bucket.acquire();
      const list = await api.listNamespace();
      synced = true;
      backoff = minBackoff;
      return list;
    },
    false,
  );

  // The informer replaces an object when it changes, so its converted form can be kept per object.
  const converted = new WeakMap<V1Namespace, Namespace | undefined>();
  const fromCache = (name: string): Namespace | undefined => {
    const cached = informer.get(name);
    if (cached === undefined) return undefined;
    if (converted.has(cached)) return converted.get(cached);
    const namespace = toNamespace(cached);
    converted.set(cached, namespace);
    return namespace;
  };

  const restart = (error: unknown): void => {
    if (stopped) return;
    const delay = Math.round(backoff * (0.8 + Math.random() * 0.4));
    logger.warn({ err: errorText(error), retryInMs: delay }, 'namespace watch failed, reconnecting');
    backoff = Math.min(maxBackoff, backoff * 2);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      informer.start().catch(restart);
    }, delay);
    retryTimer.unref();
  };
  informer.on('error', restart);
  informer.on('connect', () => logger.debug('namespace watch connected'));

  return {
    get synced() {
      return synced;
    },
    start() {
      stopped = false;
      informer.start().catch(restart);
      return Promise.resolve();
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await informer.stop();
      closeConnections();
    },
    cachedNamespace: fromCache,
    async getNamespace(name, signal): Promise<Namespace> {
      const cached = fromCache(name);
      if (cached !== undefined) return cached;
      if (name === '') throw emptyNamespaceName();
      const invalid = invalidNamespaceName(name);
      if (invalid !== undefined) throw invalid;
      try {
        await bucket.acquire(signal);
        const live = await withSignal(api.readNamespace({ name }), signal);
        const namespace = toNamespace(live);
        if (namespace === undefined)
          throw new NamespaceLookupError(`namespaces "${name}": unexpected object from the API`);
        return namespace;
      } catch (error) {
        if (statusCode(error) === 404) throw namespaceNotFound(name);
        if (error instanceof NamespaceLookupError) throw error;
        throw new NamespaceLookupError(errorText(error), { cause: error });
      }
    },
    async listPods(namespace, signal, deadline): Promise<readonly ListedPod[]> {
      await bucket.acquire(signal);
      // Bound by the existing-pod budget, as upstream's listing is bound to its context.
      const items = await lister.listItems(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        signal,
        deadline,
      );
      const pods: ListedPod[] = [];
      for (const item of items) {
        const pod = options.decodePod(item);
        if (pod !== undefined) pods.push(pod);
      }
      return pods;
    },
  };
}
