/**
 * Reads an audit's objects from the Kubernetes API: paginated LISTs (`limit` + `continue`) through the shared
 * kube client pieces, every page handed on as it arrives. Needs only `list` on namespaces, pods and the workload
 * kinds. A failed LIST becomes one clear error naming the resource and, for 401/403, the missing permission.
 */
import { reusingAgents } from '../../kube/auth.ts';
import { loadKubeConfigFrom, type KubeConfigSource } from '../../kube/config.ts';
import { listPages } from '../../kube/pager.ts';
import { createRawLister, KubeListError } from '../../kube/raw-lister.ts';
import { decodePod, decodeWorkload } from '../../k8s/index.ts';
import type { AuditSource, SourceWorkload } from './run-audit.ts';
import { WORKLOAD_KINDS } from './run-audit.ts';

export interface ClusterSourceOptions extends KubeConfigSource {
  /** Items per LIST page. */
  readonly pageSize: number;
  /** `-n`: list in this namespace only. */
  readonly namespace?: string | undefined;
  /** `--selector`: a label selector for pods. */
  readonly selector?: string | undefined;
  readonly onError: (message: string) => void;
  /** Told when an expired continue token restarted a list. */
  readonly onRestart?: (resource: string) => void;
}

/** Reads the first string label map of raw JSON metadata. */
function labelsOf(raw: unknown): Record<string, string> {
  const labels = (raw as { metadata?: { labels?: unknown } } | null)?.metadata?.labels;
  const out: Record<string, string> = {};
  if (typeof labels !== 'object' || labels === null) return out;
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

function nameOf(raw: unknown): string {
  const name = (raw as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' ? name : '';
}

/** The message for a LIST that failed: the resource, the scope, and what permission is missing. */
export function listFailure(resource: string, namespace: string | undefined, error: unknown): string {
  const scope = namespace === undefined ? 'at the cluster scope' : `in namespace ${JSON.stringify(namespace)}`;
  if (error instanceof KubeListError) {
    if (error.statusCode === 401)
      return `cannot list ${resource} ${scope}: 401 Unauthorized: the credentials were refused (${error.detail})`;
    if (error.statusCode === 403)
      return `cannot list ${resource} ${scope}: 403 Forbidden: the user lacks the "list" permission on ${resource} (${error.detail})`;
    if (error.statusCode === 410)
      return `cannot list ${resource} ${scope}: the list expired repeatedly (410 Expired): ${error.detail}`;
    return `cannot list ${resource} ${scope}: HTTP ${String(error.statusCode)}: ${error.detail}`;
  }
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  const code = (error as { code?: unknown } | null)?.code ?? cause?.code;
  return `cannot list ${resource} ${scope}: ${(error as Error).message}${typeof code === 'string' && !(error as Error).message.includes(code) ? ` (${code})` : ''}`;
}

export function createClusterSource(options: ClusterSourceOptions): AuditSource {
  const config = loadKubeConfigFrom(options);
  const cluster = config.getCurrentCluster()!;
  const auth = reusingAgents(config);
  const lister = createRawLister(cluster.server, auth);
  const ns = options.namespace;
  const scoped = (group: string, resource: string): string => {
    const base = group === '' ? '/api/v1' : `/apis/${group}`;
    return ns === undefined ? `${base}/${resource}` : `${base}/namespaces/${encodeURIComponent(ns)}/${resource}`;
  };
  let unreachable = false;

  /** Lists `path` page by page; false when it failed (the error is reported). */
  const each = async (
    resource: string,
    path: string,
    query: Record<string, string>,
    visit: (item: unknown) => void,
    page: () => void,
  ): Promise<boolean> => {
    if (unreachable) return false;
    try {
      for await (const listed of listPages(lister, path, {
        limit: options.pageSize,
        query,
        onRestart: () => options.onRestart?.(resource),
      })) {
        for (const item of listed.items) visit(item);
        page();
      }
      return true;
    } catch (error) {
      options.onError(listFailure(resource, resource === 'namespaces' ? undefined : ns, error));
      // A connection that fails outright fails for every resource: say it once.
      if (!(error instanceof KubeListError)) unreachable = true;
      return false;
    }
  };

  const context = config.getCurrentContext();
  return {
    description: `cluster ${cluster.server}${context === '' ? '' : ` (context ${context})`}`,
    async namespaces(visit, page) {
      const query: Record<string, string> = ns === undefined ? {} : { fieldSelector: `metadata.name=${ns}` };
      await each(
        'namespaces',
        '/api/v1/namespaces',
        query,
        (raw) => visit({ name: nameOf(raw), labels: labelsOf(raw) }),
        page,
      );
    },
    async workloads(visit, page) {
      for (const kind of WORKLOAD_KINDS) {
        const group = kind.apiVersion === 'v1' ? '' : kind.apiVersion;
        await each(
          kind.resource === 'replicationcontrollers' || kind.resource === 'podtemplates'
            ? kind.resource
            : `${kind.resource}.${kind.apiVersion.split('/')[0]!}`,
          scoped(group, kind.resource),
          {},
          (raw) => {
            // List items carry no kind or apiVersion.
            const decoded = decodeWorkload({ ...(raw as object), apiVersion: kind.apiVersion, kind: kind.kind });
            if (!decoded.podBearing) return;
            const workload: SourceWorkload = {
              apiVersion: kind.apiVersion,
              kind: kind.kind,
              metadata: decoded.metadata,
              template: decoded.issues.length === 0 ? decoded.template : null,
            };
            visit(workload);
          },
          page,
        );
      }
    },
    async pods(visit, page) {
      const query: Record<string, string> = options.selector === undefined ? {} : { labelSelector: options.selector };
      let undecodable = 0;
      await each(
        'pods',
        scoped('', 'pods'),
        query,
        (raw) => {
          const decoded = decodePod(raw);
          if (decoded.issues.length > 0) {
            if (undecodable++ < 5) {
              const meta = decoded.value.metadata;
              options.onError(
                `pod ${meta.namespace ?? ''}/${meta.name ?? ''} could not be read: ${decoded.issues[0]!.path}: ${decoded.issues[0]!.message}`,
              );
            }
            return;
          }
          visit(decoded.value.metadata.namespace ?? '', decoded.value.metadata, decoded.value.spec);
        },
        page,
      );
      if (undecodable > 5) options.onError(`${undecodable - 5} more pods could not be read`);
    },
    close() {
      auth.destroy();
    },
  };
}
