// Loading the client configuration for the Kubernetes API, shared by `psa serve` and the cluster commands.
import { KubeConfig } from '@kubernetes/client-node';

/** The client configuration could not be loaded (no file, no current context, not in a cluster). */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
}

export interface KubeConfigSource {
  /** `--kubeconfig`: this file only. */
  readonly kubeconfig?: string | undefined;
  /** `--context`: instead of the file's current context. */
  readonly context?: string | undefined;
  /** Only the in-cluster service account (the webhook without --kubeconfig). */
  readonly inCluster?: boolean;
}

/**
 * The usual client precedence: `--kubeconfig`, else `KUBECONFIG` / `~/.kube/config`, else the in-cluster service
 * account (the library's `loadFromDefault`); `inCluster` forces the service account. `--context` picks the context.
 */
export function loadKubeConfigFrom(source: KubeConfigSource): KubeConfig {
  const config = new KubeConfig();
  try {
    if (source.inCluster === true) config.loadFromCluster();
    else if (source.kubeconfig !== undefined) config.loadFromFile(source.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw new KubeConfigError(`${source.kubeconfig ?? 'kubeconfig'}: ${(error as Error).message}`, { cause: error });
  }
  if (source.context !== undefined) {
    if (config.getContextObject(source.context) === null)
      throw new KubeConfigError(
        `${source.kubeconfig ?? 'kubeconfig'}: no context named ${JSON.stringify(source.context)}`,
      );
    config.setCurrentContext(source.context);
  }
  if (config.getCurrentCluster() === null) {
    throw new KubeConfigError(
      source.inCluster === true
        ? 'no in-cluster configuration found'
        : `${source.kubeconfig ?? 'kubeconfig'}: no current cluster in kubeconfig`,
    );
  }
  return config;
}
