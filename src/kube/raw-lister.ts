import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  HttpMethod,
  ServerConfiguration,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';

/** The API answered a list with something other than 200 and a JSON list. */
export class KubeListError extends Error {
  override readonly name = 'KubeListError';
  readonly statusCode: number | undefined;
  /** The Status object's `reason` (`Forbidden`, `Expired`, ...), when the body was one. */
  readonly reason: string | undefined;
  /** The Status object's `message`, else the start of the body. */
  readonly detail: string;
  constructor(message: string, statusCode: number | undefined, reason?: string, detail?: string) {
    super(message);
    this.statusCode = statusCode;
    this.reason = reason;
    this.detail = detail ?? message;
  }
}

/** One page of a list: its items as plain JSON and the token for the next page (empty on the last). */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly continueToken: string;
  readonly resourceVersion: string;
}

/** How much of an error body goes into the error message. */
const ERROR_BODY_LIMIT = 512;

export interface RawLister {
  /**
   * GETs `path` (a list endpoint) and resolves to its `items` as plain JSON, untouched. Gives up when `signal` aborts
   * or at `deadline` (epoch milliseconds), whichever comes first.
   */
  listItems(path: string, signal: AbortSignal | undefined, deadline?: number): Promise<readonly unknown[]>;
  /** GETs one page of a list (`path` carries `limit` and `continue`): its items and `metadata.continue`. */
  listPage(path: string, signal?: AbortSignal, deadline?: number): Promise<ListPage>;
}

/**
 * Lists through the client library's authentication (tokens, client certificates, exec plugins, the shared keep-alive
 * agent) but without its typed models: the items come back as parsed JSON for our own decoders. The library's model
 * conversion of a 60-pod list cost about three times the JSON parse and produced objects our decoder then had to
 * walk again; reading the raw JSON is also closer to what the API server sent.
 */
export function createRawLister(server: string, auth: SecurityAuthentication): RawLister {
  const base = new ServerConfiguration(server, {});
  const get = async (
    path: string,
    signal: AbortSignal | undefined,
    deadline: number | undefined,
  ): Promise<ListPage> => {
    const context: RequestContext = base.makeRequestContext(path, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    await auth.applySecurityAuthentication(context);
    const response = await send(context, withDeadline(signal, deadline));
    const text = await readText(response);
    const status = response.statusCode ?? 0;
    if (status !== 200) throw statusError(path, status, text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new KubeListError(`GET ${path}: response is not JSON: ${(error as Error).message}`, status);
    }
    const body =
      typeof parsed === 'object' && parsed !== null ? (parsed as { items?: unknown; metadata?: unknown }) : {};
    const items = body.items;
    const metadata = (typeof body.metadata === 'object' && body.metadata !== null ? body.metadata : {}) as {
      continue?: unknown;
      resourceVersion?: unknown;
    };
    const page = {
      continueToken: typeof metadata.continue === 'string' ? metadata.continue : '',
      resourceVersion: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '',
    };
    // An empty list may be encoded with `items: null` by some API servers and proxies.
    if (items === null) return { items: [], ...page };
    if (!Array.isArray(items)) throw new KubeListError(`GET ${path}: response has no items list`, status);
    return { items: items as readonly unknown[], ...page };
  };
  return {
    async listItems(path, signal, deadline) {
      return (await get(path, signal, deadline)).items;
    },
    listPage: (path, signal, deadline) => get(path, signal, deadline),
  };
}

/** A non-200 answer as an error carrying the Status object's reason and message when the body is one. */
function statusError(path: string, status: number, text: string): KubeListError {
  const detail = text.length > ERROR_BODY_LIMIT ? `${text.slice(0, ERROR_BODY_LIMIT)}...` : text;
  let reason: string | undefined;
  let message: string | undefined;
  try {
    const parsed = JSON.parse(text) as { kind?: unknown; reason?: unknown; message?: unknown };
    if (parsed.kind === 'Status') {
      if (typeof parsed.reason === 'string') reason = parsed.reason;
      if (typeof parsed.message === 'string') message = parsed.message;
    }
  } catch {
    // not JSON: the body itself is the detail
  }
  return new KubeListError(
    `GET ${path}: HTTP ${String(status)}: ${detail.trim()}`,
    status,
    reason,
    message ?? detail.trim(),
  );
}

/** `signal`, also aborted at `deadline` (epoch milliseconds). */
function withDeadline(signal: AbortSignal | undefined, deadline: number | undefined): AbortSignal | undefined {
  if (deadline === undefined) return signal;
  const timeout = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

function send(context: RequestContext, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const url = new URL(context.getUrl());
    const options = {
      method: 'GET',
      headers: context.getHeaders(),
      ...(context.getAgent() === undefined ? {} : { agent: context.getAgent() }),
      ...(signal === undefined ? {} : { signal }),
    };
    const req = url.protocol === 'http:' ? httpRequest(url, options, resolve) : httpsRequest(url, options, resolve);
    req.on('error', reject);
    req.end();
  });
}

function readText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('aborted', () => reject(new Error('connection closed before the response ended')));
  });
}
