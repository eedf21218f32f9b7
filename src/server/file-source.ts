import type { Namespace } from '../k8s/namespace.ts';
import type { ListedPod } from '../admission/types.ts';
import { formatIssue } from '../api/issue.ts';
import { decodeNamespace } from '../k8s/workloads.ts';
import { emptyNamespaceName, namespaceNotFound, type ClusterSource } from './namespace-source.ts';
import { parseAllDocumentsWithUniqueKeys } from '../yaml-documents.ts';
import { watchFiles } from './file-watch.ts';
import type { Logger } from './logger.ts';

/** The namespaces file could not be used; the message lists every problem with its document and position. */
export class NamespacesFileError extends Error {
  override readonly name = 'NamespacesFileError';
}

/**
 * Parses a namespaces file: YAML or JSON, one or more documents, each a `Namespace`, or a `List`/`NamespaceList`
 * whose `items` are Namespaces. Every problem is collected with the file, document number and line.
 */
export function parseNamespacesFile(text: string, file: string): Map<string, Namespace> {
  const problems: string[] = [];
  const namespaces = new Map<string, Namespace>();
  const list = parseAllDocumentsWithUniqueKeys(text, { prettyErrors: false });
  list.forEach((document, index) => {
    const where = (offset: number | undefined): string => {
      if (offset === undefined) return `${file}: document ${index + 1}`;
      const line = text.slice(0, offset).split('\n').length;
      return `${file}:${line}: document ${index + 1}`;
    };
    for (const error of document.errors) problems.push(`${where(error.pos[0])}: ${error.message.split('\n')[0] ?? ''}`);
    if (document.errors.length > 0) return;
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const start = document.contents?.range[0];
    const add = (item: unknown, path: string): void => {
      const decoded = decodeNamespace(item);
      const kind = typeof item === 'object' && item !== null ? (item as { readonly kind?: unknown }).kind : undefined;
      if (kind === undefined) problems.push(`${where(start)}: ${path}kind: required (expected Namespace)`);
      for (const issue of decoded.issues) problems.push(`${where(start)}: ${path}${formatIssue(issue)}`);
      const name = decoded.value.metadata.name;
      if (name === undefined || name === '') {
        problems.push(`${where(start)}: ${path}metadata.name: required`);
        return;
      }
      if (kind === undefined || decoded.issues.length > 0) return;
      if (namespaces.has(name))
        problems.push(`${where(start)}: ${path}metadata.name: duplicate namespace ${JSON.stringify(name)}`);
      namespaces.set(name, { metadata: { name, labels: decoded.value.metadata.labels ?? {} } });
    };
    const kind = typeof value === 'object' ? (value as { readonly kind?: unknown }).kind : undefined;
    if (kind === 'List' || kind === 'NamespaceList') {
      const items = (value as { readonly items?: unknown }).items;
      if (!Array.isArray(items)) {
        if (items !== undefined && items !== null) problems.push(`${where(start)}: items: expected a list`);
        return;
      }
      items.forEach((item: unknown, i) => add(item, `items[${i}].`));
    } else {
      add(value, '');
    }
  });
  if (problems.length > 0) throw new NamespacesFileError(problems.join('\n'));
  return namespaces;
}

/**
 * `--namespaces-from FILE`: namespaces served from a local file, reloaded when it changes (a bad edit keeps the last
 * good set and is logged). There are no pods, so namespace tightening never reports existing-pod violations.
 */
export function createFileClusterSource(options: {
  readonly file: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly onReload?: (ok: boolean) => void;
}): ClusterSource & { reload(): Promise<void> } {
  const { file, logger } = options;
  let namespaces: ReadonlyMap<string, Namespace> | undefined;
  let lastError = '';
  const watcher = watchFiles(
    [file],
    options.intervalMs,
    ([content]) => {
      try {
        const next = parseNamespacesFile(content?.toString('utf8') ?? '', file);
        const first = namespaces === undefined;
        namespaces = next;
        if (!first) options.onReload?.(true);
        logger.info({ file, namespaces: next.size }, first ? 'namespaces loaded' : 'namespaces reloaded');
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        options.onReload?.(false);
        logger.error(
          { file, err: error instanceof Error ? error.message : String(error) },
          'namespaces file rejected, keeping the previous namespaces',
        );
      }
    },
    (error) => {
      lastError = error instanceof Error ? error.message : String(error);
      logger.error({ file, err: lastError }, 'cannot read namespaces file');
    },
  );
  return {
    get synced() {
      return namespaces !== undefined;
    },
    async start() {
      await watcher.poll();
      if (namespaces === undefined) throw new NamespacesFileError(`cannot load namespaces from ${file}: ${lastError}`);
    },
    stop() {
      watcher.close();
      return Promise.resolve();
    },
    reload: () => watcher.poll(),
    cachedNamespace(name) {
      return namespaces?.get(name);
    },
    getNamespace(name) {
      const found = namespaces?.get(name);
      if (found !== undefined) return Promise.resolve(found);
      // As the API would answer a live GET after a cache miss.
      return Promise.reject(name === '' ? emptyNamespaceName() : namespaceNotFound(name));
    },
    listPods(): Promise<readonly ListedPod[]> {
      return Promise.resolve([]);
    },
  };
}
