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

export async function startKubeApiStandIn(options: {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly token?: string;
}): Promise<KubeApiStandIn> {
  const token = options.token ?? 'stand-in-token';
  const namespaces = new Map<string, KubeObject>();
  const pods = new Map<string, readonly unknown[]>();
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
      count('list-namespaces');
      json(res, 200, {
        kind: 'NamespaceList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(resourceVersion) },
        items: [...namespaces.values()],
      });
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
    setPods(namespace, list) {
      pods.set(namespace, list);
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
