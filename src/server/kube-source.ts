import { Agent } from 'node:https';
import {
  CoreV1Api,
  KubeConfig,
  ListWatch,
  ServerConfiguration,
  Watch,
  createConfiguration,
  type RequestContext,
  type SecurityAuthentication,
  type V1Namespace,
} from '@kubernetes/client-node';
import type { ListedPod } from '../admission/types.ts';
import type { Namespace } from '../k8s/namespace.ts';
import { createRawLister, type RawLister } from './kube-list.ts';
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

/** Loads the client configuration: the kubeconfig file, or the in-cluster service account. */
export function loadKubeConfig(kubeconfig: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (kubeconfig === undefined) config.loadFromCluster();
  else config.loadFromFile(kubeconfig);
  if (config.getCurrentCluster() === null) {
    throw new NamespaceLookupError(
      kubeconfig === undefined
        ? 'no in-cluster configuration found'
        : `${kubeconfig}: no current cluster in kubeconfig`,
    );
  }
  return config;
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

/** The TLS settings the client library puts on each call's agent; a connection is reusable while they are unchanged. */
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b));
}

/**
 * How long one run of the client library's authentication is reused. The library reads the kubeconfig's CA,
 * certificate and key files synchronously on every call, blocking the event loop on the request path; client-go
 * re-reads rotated credentials every few minutes, so a second is well inside what a rotation may take to apply.
 */
export const AUTH_REUSE_MS = 1000;

/**
 * The client library authenticates every call with a fresh `https.Agent`, so each pod list would open a new TLS
 * connection (handshake, certificate parsing, a new secure context). Like client-go, we keep one keep-alive agent and
 * hand it out as long as the TLS settings the library computes are the same. The library's result (its headers and
 * TLS settings) is reused for `reuseMs`; after that it runs again, so a rotated token, client certificate or CA
 * takes effect (a changed TLS setting replaces the agent).
 */
export function reusingAgents(
  config: Pick<KubeConfig, 'getName' | 'applySecurityAuthentication'>,
  options: { readonly reuseMs?: number; readonly now?: () => number } = {},
): SecurityAuthentication & { destroy(): void } {
  const reuseMs = options.reuseMs ?? AUTH_REUSE_MS;
  const now = options.now ?? Date.now;
  let shared: Agent | undefined;
  let settings: Readonly<Record<string, unknown>> = {};
  let reusable: { readonly until: number; readonly headers: readonly (readonly [string, string])[] } | undefined;
  return {
    getName: () => config.getName(),
    async applySecurityAuthentication(context: RequestContext): Promise<void> {
      if (reusable !== undefined && shared !== undefined && now() < reusable.until) {
        for (const [name, value] of reusable.headers) context.setHeaderParam(name, value);
        context.setAgent(shared);
        return;
      }
      reusable = undefined;
      const before = { ...context.getHeaders() };
      await config.applySecurityAuthentication(context);
      const fresh: unknown = context.getAgent();
      // Proxy agents and plain-HTTP agents are left as the library made them (and the library runs every time).
      if (!(fresh instanceof Agent) || fresh.constructor !== Agent) return;
      const options = fresh.options as Readonly<Record<string, unknown>>;
      if (shared === undefined || !TLS_KEYS.every((key) => sameValue(options[key], settings[key]))) {
        shared?.destroy();
        settings = Object.fromEntries(TLS_KEYS.map((key) => [key, options[key]]));
        const tls = Object.fromEntries(
          TLS_KEYS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]),
        );
        shared = new Agent({ ...tls, keepAlive: true, scheduling: 'lifo' });
      }
      context.setAgent(shared);
      const headers = Object.entries(context.getHeaders()).filter(([name, value]) => before[name] !== value);
      reusable = { until: now() + reuseMs, headers };
    },
    destroy() {
      shared?.destroy();
      shared = undefined;
      reusable = undefined;
    },
  };
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
