import type { Namespace } from '../k8s/namespace.ts';
import type { NamespaceLookup, PodLister } from '../admission/types.ts';
import { goQuote } from '../policy/format.ts';

/** Where namespaces (and pods, for namespace evaluation) come from: the Kubernetes API or a local file. */
export interface ClusterSource extends NamespaceLookup, PodLister {
  /** True once the namespace cache holds a complete initial listing (drives `/readyz`). */
  readonly synced: boolean;
  /** Starts syncing in the background; resolves once started (not necessarily synced). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A namespace lookup failed. The message is what upstream's audit annotation carries after the colon. */
export class NamespaceLookupError extends Error {
  override readonly name = 'NamespaceLookupError';
}

/**
 * client-go refuses a GET without a name before sending it; upstream's lookup of the namespace `""` (a review without
 * one) fails with this text.
 */
export function emptyNamespaceName(): NamespaceLookupError {
  return new NamespaceLookupError('resource name may not be empty');
}

/**
 * client-go's check of a resource name before it builds the request path (`IsValidPathSegmentName`): upstream's
 * namespace lookup fails with this text, without asking the API server, for `.`, `..` or a name holding `/` or `%`.
 * Undefined for a valid name.
 */
export function invalidNamespaceName(name: string): NamespaceLookupError | undefined {
  let problems: string[];
  if (name === '.' || name === '..') problems = [`may not be '${name}'`];
  else problems = ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
  // Go's %v of a []string: space-separated in brackets.
  return problems.length === 0
    ? undefined
    : new NamespaceLookupError(`invalid resource name ${goQuote(name)}: [${problems.join(' ')}]`);
}

/** The API server's NotFound text for a namespace: `namespaces "<name>" not found`, the name quoted as Go's `%q`. */
export function namespaceNotFound(name: string): NamespaceLookupError {
  return new NamespaceLookupError(`namespaces ${goQuote(name)} not found`);
}

/** Keeps only what admission reads from a namespace object (name and labels), from untrusted JSON. */
export function toNamespace(raw: unknown): Namespace | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const metadata = (raw as { readonly metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  const { name, labels } = metadata as { readonly name?: unknown; readonly labels?: unknown };
  if (typeof name !== 'string' || name === '') return undefined;
  const kept: Record<string, string> = {};
  if (typeof labels === 'object' && labels !== null && !Array.isArray(labels)) {
    for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') kept[key] = value;
  }
  return { metadata: { name, labels: kept } };
}

/** Rejects with the signal's reason as soon as it aborts; otherwise settles like `promise`. */
export function withSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('context deadline exceeded');
}
