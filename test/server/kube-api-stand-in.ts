// A small stand-in for the Kubernetes API over HTTPS: namespaces (list, watch, get) and pods (list), enough for psa's
// and upstream's webhooks to sync their namespace caches and list pods. Shared by the kube-source tests and the
// webhook benchmark, so both webhooks see the same cluster.
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { goQuote } from '../../src/policy/format.ts';

type KubeObject = {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
};

interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
  readonly resourceVersion: number;
}

export interface KubeApiStandIn {
  readonly port: number;
  readonly url: string;
  /** Requests served, by kind: `list-namespaces`, `watch-namespaces`, `get-namespace`, `list-pods`, `other`. */
  readonly requests: Readonly<Record<string, number>>;
  upsertNamespace(name: string, labels?: Readonly<Record<string, string>>): void;
  deleteNamespace(name: string): void;
  setPods(namespace: string, pods: readonly unknown[]): void;
  /**
   * Sets the objects of a namespaced workload resource in one namespace, e.g. `apps/v1/deployments` (core resources as
   * `v1/replicationcontrollers`). Listed cluster-wide or per namespace, paginated like pods.
   */
  setObjects(resource: string, namespace: string, items: readonly unknown[]): void;
  /** Makes the next `count` requests that carry a continue token fail with 410 Expired, as after a compaction. */
  expireContinueTokens(count: number): void;
  /** Answers 403 Forbidden to every request for these resources (`pods`, `namespaces`, `apps/v1/deployments`, ...). */
  forbid(...resources: readonly string[]): void;
  /** Ends every open watch (as an API server restart would). */
  dropWatches(): void;
  /** Makes the next `count` requests fail with 500 (to exercise retries). */
  failNext(count: number): void;
  /** Writes a kubeconfig for this server (token auth, the given CA) and returns its path. */
  writeKubeconfig(path: string, caFile: string): string;
  close(): Promise<void>;
}

function namespaceObject(name: string, labels: Readonly<Record<string, string>>, resourceVersion: number): KubeObject {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name,
      uid: `uid-${name}`,
      resourceVersion: String(resourceVersion),
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function notFound(res: ServerResponse, name: string): void {
  json(res, 404, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `namespaces ${goQuote(name)} not found`,
    reason: 'NotFound',
    details: { name, kind: 'namespaces' },
    code: 404,
  });
}

/** Resources listed as empty until objects are set (the workload kinds `psa audit` reads). */
const KNOWN_RESOURCES = new Set([
  'apps/v1/deployments',
  'apps/v1/replicasets',
  'apps/v1/statefulsets',
  'apps/v1/daemonsets',
  'batch/v1/jobs',
  'batch/v1/cronjobs',
  'v1/replicationcontrollers',
  'v1/podtemplates',
]);

export async function startKubeApiStandIn(options: {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly token?: string;
}): Promise<KubeApiStandIn> {
  const token = options.token ?? 'stand-in-token';
  const namespaces = new Map<string, KubeObject>();
  const pods = new Map<string, readonly unknown[]>();
  const objects = new Map<string, Map<string, readonly unknown[]>>();
  const events: WatchEvent[] = [];
  const watchers = new Set<{ readonly res: ServerResponse; readonly send: (event: WatchEvent) => void }>();
  const requests: Record<string, number> = {};
  let resourceVersion = 1;
  let failures = 0;

  const count = (kind: string): void => {
    requests[kind] = (requests[kind] ?? 0) + 1;
  };
  const emit = (type: WatchEvent['type'], object: KubeObject): void => {
    const event = { type, object, resourceVersion };
    events.push(event);
    if (events.length > 10_000) events.shift();
    for (const watcher of watchers) watcher.send(event);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      json(res, 401, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
      return;
    }
    if (failures > 0) {
      failures--;
      count('failed');
      json(res, 500, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'stand-in failure',
        reason: 'InternalError',
        code: 500,
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'https://stand-in');
    if (handleResource(req, res, url)) return;
    const parts = url.pathname.split('/').filter((part) => part !== '');
    // /api/v1/namespaces[/name[/pods]]
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'namespaces' || req.method !== 'GET') {
      count('other');
      json(res, 404, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'not found',
        reason: 'NotFound',
        code: 404,
      });
      return;
    }
    if (parts.length === 3 && url.searchParams.get('watch') === 'true') {
      count('watch-namespaces');
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      res.flushHeaders();
      let since = Number(url.searchParams.get('resourceVersion') ?? '0');
      // A streaming list (client-go's WatchListClient): the current objects as ADDED events, then a bookmark marking
      // the end of the initial events, then changes.
      if (url.searchParams.get('sendInitialEvents') === 'true') {
        for (const object of namespaces.values()) res.write(`${JSON.stringify({ type: 'ADDED', object })}\n`);
        const bookmark = {
          kind: 'Namespace',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } },
        };
        res.write(`${JSON.stringify({ type: 'BOOKMARK', object: bookmark })}\n`);
        since = resourceVersion;
      }
      const send = (event: WatchEvent): void => {
        if (event.resourceVersion > since) res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
      };
      for (const event of events) send(event);
      const watcher = { res, send };
      watchers.add(watcher);
      const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? '0');
      const timer = timeoutSeconds > 0 ? setTimeout(() => res.end(), timeoutSeconds * 1000) : undefined;
      req.on('close', () => {
        clearTimeout(timer);
        watchers.delete(watcher);
      });
      return;
    }
    if (parts.length === 3) {
      if (forbidden.has('namespaces')) {
        count('forbidden');
        status(
          res,
          403,
          'Forbidden',
          'namespaces is forbidden: User "stand-in" cannot list resource "namespaces" in API group "" at the cluster scope',
        );
        return;
      }
      count('list-namespaces');
      const field = url.searchParams.get('fieldSelector');
      let items: readonly unknown[] = [...namespaces.values()].sort((a, b) =>
        a.metadata.name < b.metadata.name ? -1 : 1,
      );
      if (field !== null && field.startsWith('metadata.name=')) {
        const wanted = field.slice('metadata.name='.length);
        items = items.filter((ns) => (ns as KubeObject).metadata.name === wanted);
      }
      list(res, url, 'NamespaceList', items);
      return;
    }
    // The API server reads the name from the decoded path.
    let name: string;
    try {
      name = decodeURIComponent(parts[3] ?? '');
    } catch {
      json(res, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'malformed path', code: 400 });
      return;
    }
    if (parts.length === 4) {
      count('get-namespace');
      const found = namespaces.get(name);
      if (found === undefined) notFound(res, name);
      else json(res, 200, found);
      return;
    }
    if (parts.length === 5 && parts[4] === 'pods') {
      count('list-pods');
      json(res, 200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(resourceVersion) },
        items: pods.get(name) ?? [],
      });
      return;
    }
    count('other');
    notFound(res, name);
  };

  /** Items sorted by their storage key (`namespace/name`), as etcd returns them. */
  const sortedCache = new Map<string, readonly unknown[]>();
  const keyOf = (item: unknown): string => {
    const m = (item as { metadata?: { name?: string; namespace?: string } }).metadata ?? {};
    return m.namespace === undefined || m.namespace === '' ? (m.name ?? '') : `${m.namespace}/${m.name ?? ''}`;
  };
  const sortedItems = (resource: string, namespace: string | undefined): readonly unknown[] => {
    const cacheKey = `${resource} ${namespace ?? ''}`;
    let items = sortedCache.get(cacheKey);
    if (items === undefined) {
      const store = resource === 'v1/pods' ? pods : (objects.get(resource) ?? new Map<string, readonly unknown[]>());
      const all: unknown[] = [];
      for (const [ns, list] of store) if (namespace === undefined || ns === namespace) all.push(...list);
      const keyed = all.map((item) => [keyOf(item), item] as const);
      keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      items = keyed.map(([, item]) => item);
      sortedCache.set(cacheKey, items);
    }
    return items;
  };
  const forbidden = new Set<string>();
  let expiring = 0;
  const status = (res: ServerResponse, code: number, reason: string, message: string): void =>
    json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

  /** A LIST with `limit`/`continue` (the token: the key of the last item sent, base64). */
  const list = (res: ServerResponse, url: URL, kind: string, items: readonly unknown[]): void => {
    const token = url.searchParams.get('continue') ?? '';
    if (token !== '' && expiring > 0) {
      expiring--;
      count('expired');
      status(
        res,
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
      return;
    }
    const selector = url.searchParams.get('labelSelector');
    if (selector !== null && selector !== '') {
      const [key, value] = selector.split('=');
      items = items.filter(
        (item) => (item as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[key ?? ''] === value,
      );
    }
    let start = 0;
    if (token !== '') {
      const after = Buffer.from(token, 'base64').toString('utf8');
      // The first item past the token's key (binary search: items are sorted).
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (keyOf(items[mid]) <= after) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const end = limit > 0 ? Math.min(items.length, start + limit) : items.length;
    const page = start === 0 && end === items.length ? items : items.slice(start, end);
    const more = end < items.length;
    json(res, 200, {
      kind,
      apiVersion: 'v1',
      metadata: {
        resourceVersion: String(resourceVersion),
        ...(more
          ? { continue: Buffer.from(keyOf(items[end - 1])).toString('base64'), remainingItemCount: items.length - end }
          : {}),
      },
      items: page,
    });
  };

  /** Workload and cluster-wide routes: `/apis/G/V/[namespaces/NS/]R`, `/api/v1/[namespaces/NS/]R`; false if none. */
  const handleResource = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const parts = url.pathname.split('/').filter((part) => part !== '');
    let groupVersion: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1] === 'v1') {
      groupVersion = 'v1';
      rest = parts.slice(2);
    } else if (parts[0] === 'apis' && parts.length >= 4) {
      groupVersion = `${parts[1]!}/${parts[2]!}`;
      rest = parts.slice(3);
    } else return false;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length === 3) {
      namespace = decodeURIComponent(rest[1]!);
      rest = rest.slice(2);
    }
    if (rest.length !== 1 || req.method !== 'GET') return false;
    const name = rest[0]!;
    const resource = `${groupVersion}/${name}`;
    if (resource === 'v1/namespaces') return false;
    if (resource !== 'v1/pods' && !objects.has(resource) && !KNOWN_RESOURCES.has(resource)) return false;
    const plain = resource.startsWith('v1/') ? name : `${name}.${groupVersion.split('/')[0]!}`;
    if (forbidden.has(resource) || forbidden.has(name)) {
      count('forbidden');
      const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
      const group = resource.startsWith('v1/') ? '' : groupVersion.split('/')[0]!;
      status(
        res,
        403,
        'Forbidden',
        `${plain} is forbidden: User "stand-in" cannot list resource "${name}" in API group "${group}" ${scope}`,
      );
      return true;
    }
    count(
      resource === 'v1/pods' && namespace === undefined
        ? 'list-all-pods'
        : resource === 'v1/pods'
          ? 'list-pods'
          : `list-${name}`,
    );
    const kindName = `${name.charAt(0).toUpperCase()}${name.slice(1, -1)}List`;
    list(res, url, kindName, sortedItems(resource, namespace));
    return true;
  };

  const server: Server = createServer({ cert: options.cert, key: options.key, keepAliveTimeout: 60_000 }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `https://127.0.0.1:${port}`,
    requests,
    upsertNamespace(name, labels = {}) {
      resourceVersion++;
      const existed = namespaces.has(name);
      const object = namespaceObject(name, labels, resourceVersion);
      namespaces.set(name, object);
      emit(existed ? 'MODIFIED' : 'ADDED', object);
    },
    deleteNamespace(name) {
      const existing = namespaces.get(name);
      if (existing === undefined) return;
      resourceVersion++;
      namespaces.delete(name);
      emit('DELETED', existing);
    },
    setPods(namespace, items) {
      pods.set(namespace, items);
      sortedCache.clear();
    },
    setObjects(resource, namespace, items) {
      let store = objects.get(resource);
      if (store === undefined) {
        store = new Map();
        objects.set(resource, store);
      }
      store.set(namespace, items);
      sortedCache.clear();
    },
    expireContinueTokens(n) {
      expiring = n;
    },
    forbid(...resources) {
      for (const r of resources) forbidden.add(r);
    },
    dropWatches() {
      for (const watcher of watchers) watcher.res.destroy();
      watchers.clear();
    },
    failNext(n) {
      failures = n;
    },
    writeKubeconfig(path, caFile) {
      writeFileSync(
        path,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '  - name: stand-in',
          '    cluster:',
          `      server: https://127.0.0.1:${port}`,
          `      certificate-authority: ${caFile}`,
          'users:',
          '  - name: webhook',
          '    user:',
          `      token: ${token}`,
          'contexts:',
          '  - name: stand-in',
          '    context:',
          '      cluster: stand-in',
          '      user: webhook',
          'current-context: stand-in',
          '',
        ].join('\n'),
      );
      return path;
    },
    close() {
      for (const watcher of watchers) watcher.res.destroy();
      watchers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
