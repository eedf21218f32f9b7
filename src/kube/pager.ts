// Paginated LISTs (`limit` + `continue`), page by page so a caller can process each page as it arrives and memory
// stays bounded by two pages (the next one is requested while the caller works on the current one). An expired continue token (410 Expired: the API server compacted the
// snapshot the token pointed into) restarts the list; the items already delivered are skipped by their storage key.
import { KubeListError, type ListPage, type RawLister } from './raw-lister.ts';

export interface PagerOptions {
  /** Items per page (`limit`); 0 for one unpaginated list. */
  readonly limit: number;
  /** Extra query parameters (`labelSelector`, ...). */
  readonly query?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** How many times an expired list is restarted before giving up. */
  readonly maxRestarts?: number;
  /** Told when an expired token restarts the list. */
  readonly onRestart?: (path: string) => void;
}

/**
 * The key the API server orders list results by: `namespace/name` (etcd key order, compared bytewise: code point
 * order of the strings is the same order as their UTF-8 bytes).
 */
export function storageKey(item: unknown): string {
  const metadata = (item as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : '';
  return namespace === '' ? name : `${namespace}/${name}`;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True for the API server's answer to a continue token that is too old. */
export function isExpired(error: unknown): boolean {
  return error instanceof KubeListError && (error.statusCode === 410 || error.reason === 'Expired');
}

function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const params = new URLSearchParams(query).toString();
  return params === '' ? path : `${path}${path.includes('?') ? '&' : '?'}${params}`;
}

/**
 * Yields the pages of the list at `path`. After a 410 the list starts over and items whose storage key is not past
 * the last one delivered are dropped, so no item is delivered twice (items created meanwhile behind that key are
 * missed, as they would be by a consistent snapshot taken before they existed).
 */
export async function* listPages(lister: RawLister, path: string, options: PagerOptions): AsyncGenerator<ListPage> {
  const maxRestarts = options.maxRestarts ?? 3;
  const fetchPage = (token: string): Promise<ListPage> => {
    const query: Record<string, string> = { ...options.query };
    if (options.limit > 0) query['limit'] = String(options.limit);
    if (token !== '') query['continue'] = token;
    const pending = lister.listPage(withQuery(path, query), options.signal);
    // Awaited below; until then a rejection must not count as unhandled.
    pending.catch(() => undefined);
    return pending;
  };
  let token = '';
  let lastKey: string | undefined;
  let restarts = 0;
  let next = fetchPage(token);
  for (;;) {
    let page: ListPage;
    try {
      page = await next;
    } catch (error) {
      if (token === '' || !isExpired(error) || restarts >= maxRestarts) throw error;
      restarts++;
      token = '';
      options.onRestart?.(path);
      next = fetchPage(token);
      continue;
    }
    // The next page is requested before this one is handed on: the server prepares it while the caller works.
    if (page.continueToken !== '') next = fetchPage(page.continueToken);
    let items = page.items;
    if (lastKey !== undefined) {
      const after = lastKey;
      items = items.filter((item) => compareKeys(storageKey(item), after) > 0);
    }
    const last = page.items[page.items.length - 1];
    if (last !== undefined) {
      const key = storageKey(last);
      if (lastKey === undefined || compareKeys(key, lastKey) > 0) lastKey = key;
    }
    yield { ...page, items };
    if (page.continueToken === '') return;
    token = page.continueToken;
  }
}
