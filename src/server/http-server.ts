import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import { createConcurrencyLimiter } from './concurrency.ts';
import { guardConnections } from './connection-guard.ts';
import type { Logger } from './logger.ts';
import type { ServerMetrics } from './metrics.ts';
import { DEFAULT_MAX_CONNECTIONS, KEEP_ALIVE_TIMEOUT_MS, parseGoDuration } from './options.ts';
import { RequestScope } from './request-scope.ts';
import type { ReviewHandler, ReviewOutcome } from './review.ts';
import { createTurnBatcher } from './turn-batch.ts';

/** Upstream's request body limit: a body that reaches 3 MiB is refused with 413. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export { KEEP_ALIVE_TIMEOUT_MS };

const SERVER_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
].join(':');

export const HttpErrors = {
  emptyBody: 'request body is empty',
  readFailed: 'unable to read the body from the incoming request',
  tooLarge: `request entity is too large; limit is ${MAX_BODY_BYTES} bytes`,
  notJson: 'unable to process a request with a non-json content type',
  internal: 'internal server error',
  queueFull: 'too many requests, please retry later',
  deadline: 'request deadline exceeded',
  shuttingDown: 'server is shutting down',
} as const;

export interface HttpServerOptions {
  readonly tls: SecureContextOptions;
  /** Verify client certificates against `tls.ca`. */
  readonly requireClientCert: boolean;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly handler: ReviewHandler;
  readonly isReady: () => boolean;
  readonly metrics: ServerMetrics;
  readonly logger: Logger;
  readonly maxInFlight: number;
  readonly maxQueued: number;
  readonly requestTimeoutMs: number;
  /** Slow-client limits; defaults suit an API server on the same network. */
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly handshakeTimeoutMs?: number;
  /** Connections held at once, TLS handshakes included (see connection-guard.ts). */
  readonly maxConnections?: number;
  /** A response the client does not read for this long ends its connection. */
  readonly writeStallMs?: number;
}

export interface WebhookHttpServer {
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Swaps the certificate/key/CA for new handshakes; established connections keep theirs. */
  setSecureContext(tls: SecureContextOptions): void;
  /**
   * Graceful stop: refuse new connections, let in-flight requests finish (answering with `Connection: close`), close
   * idle keep-alive connections, and force-close whatever is left after `graceMs`.
   */
  shutdown(graceMs: number): Promise<void>;
  /** Makes `/readyz` fail while still serving (the first step of a graceful stop). */
  markNotReady(): void;
  readonly inFlight: number;
  readonly server: Server;
}

/** Go's `http.Error`: the message plus a newline as plain text, never sniffed. */
function sendPlainError(res: ServerResponse, status: number, message: string, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

interface SplitUrl {
  readonly path: string;
  readonly query: URLSearchParams;
  /** The `?timeout=` the API server appends, in milliseconds; undefined when absent or not a Go duration. */
  readonly timeoutMs: number | undefined;
}

const NO_QUERY = new URLSearchParams();

/** Path and query of a request target, without a full WHATWG URL parse on every request. */
function splitUrl(target: string): SplitUrl {
  const mark = target.indexOf('?');
  if (mark < 0) return { path: target, query: NO_QUERY, timeoutMs: undefined };
  const query = new URLSearchParams(target.slice(mark + 1));
  const timeout = query.get('timeout');
  return { path: target.slice(0, mark), query, timeoutMs: timeout === null ? undefined : parseGoDuration(timeout) };
}

/**
 * `splitUrl` remembering the last target: the API server calls a webhook with the same `/path?timeout=Ns` every time,
 * so the query and its timeout are parsed once. The result is shared between requests: nothing may change its query.
 */
function createUrlSplitter(): (target: string) => SplitUrl {
  let lastTarget = '';
  let last: SplitUrl = { path: '', query: NO_QUERY, timeoutMs: undefined };
  return (target) => {
    if (target !== lastTarget) {
      last = splitUrl(target);
      lastTarget = target;
    }
    return last;
  };
}

type BodyRead =
  { readonly kind: 'ok'; readonly body: Buffer } | { readonly kind: 'too-large' } | { readonly kind: 'failed' };

/** Reads at most `limit` bytes; stops at the limit (the rest is never buffered) and fails on an idle body. */
function readBody(req: IncomingMessage, limit: number, idleMs: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyRead): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      resolve(result);
    };
    let timer = setTimeout(() => finish({ kind: 'failed' }), idleMs);
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size >= limit) {
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
      timer.refresh();
    };
    const onEnd = (): void =>
      finish({ kind: 'ok', body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    const onError = (): void => finish({ kind: 'failed' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
    timer = timer.unref();
  });
}

function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length.trim() === '0';
  return req.headers['transfer-encoding'] === undefined;
}

/** Go's healthz output: `ok`, or with `?verbose` the per-check lines and a summary. */
function sendHealth(
  res: ServerResponse,
  kind: 'healthz' | 'readyz',
  checks: readonly (readonly [string, boolean])[],
  verbose: boolean,
): void {
  const failed = checks.some(([, ok]) => !ok);
  if (!failed && !verbose) {
    sendText(res, 200, 'ok');
    return;
  }
  const lines = checks.map(([name, ok]) => (ok ? `[+]${name} ok` : `[-]${name} failed: reason withheld`));
  const summary = failed ? `${kind} check failed` : `${kind} check passed`;
  sendText(res, failed ? 500 : 200, `${lines.join('\n')}\n${summary}\n`);
}

export function createWebhookHttpServer(options: HttpServerOptions): WebhookHttpServer {
  const splitTarget = createUrlSplitter();
  const { logger, metrics, handler } = options;
  const limiter = createConcurrencyLimiter(options.maxInFlight, options.maxQueued);
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  let draining = false;
  let notReady = false;
  let active = 0;

  const server = createServer({
    ...options.tls,
    minVersion: options.minVersion,
    // Go's server preference: AES-128-GCM first (as fast as AES-256 is slow), ChaCha20 for clients without AES
    // hardware; TLS 1.2 limited to ECDHE with AEAD ciphers.
    ciphers: SERVER_CIPHERS,
    honorCipherOrder: true,
    requestCert: options.requireClientCert,
    rejectUnauthorized: options.requireClientCert,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    headersTimeout: options.headersTimeoutMs ?? 10_000,
    requestTimeout: (options.headersTimeoutMs ?? 10_000) + bodyTimeoutMs + options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS,
    // How often header and request timeouts are enforced (Node's default, 30 s, would let slow clients linger).
    connectionsCheckingInterval: Math.min(1000, Math.ceil((options.headersTimeoutMs ?? 10_000) / 2)),
    maxHeaderSize: 16 * 1024,
  });
  server.on('tlsClientError', (error: Error) => {
    logger.debug({ err: error.message }, 'TLS handshake failed');
  });
  const connections = guardConnections(server, {
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    writeStallMs: options.writeStallMs ?? bodyTimeoutMs,
    checkIntervalMs: Math.min(1000, Math.ceil(bodyTimeoutMs / 4)),
    metrics,
    logger,
  });

  metrics.trackInFlight(() => active);
  // Reviews that arrived in one event-loop turn are decided together, after the turn's I/O (see turn-batch.ts).
  const turn = createTurnBatcher();

  const admit = async (req: IncomingMessage, res: ServerResponse, url: SplitUrl, started: number): Promise<number> => {
    if (draining) {
      metrics.rejected('shutting-down');
      sendPlainError(res, 503, HttpErrors.shuttingDown, true);
      return 503;
    }
    // The API server appends ?timeout=<N>s: the request must be answered well inside it.
    const requested = url.timeoutMs;
    const budget =
      requested !== undefined && requested > 0
        ? Math.min(options.requestTimeoutMs, requested * 0.9)
        : options.requestTimeoutMs;
    const scope = new RequestScope(Date.now() + budget);
    const timer = setTimeout(() => scope.abort('request deadline exceeded'), budget);
    timer.unref();
    const onClose = (): void => {
      if (!res.writableFinished) scope.abort('client closed the connection');
    };
    res.once('close', onClose);
    try {
      if (hasNoBody(req)) {
        sendPlainError(res, 400, HttpErrors.emptyBody);
        return 400;
      }
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(declared) && declared >= MAX_BODY_BYTES) {
        sendPlainError(res, 413, HttpErrors.tooLarge, true);
        return 413;
      }
      const read = await readBody(req, MAX_BODY_BYTES, bodyTimeoutMs);
      if (read.kind === 'too-large') {
        sendPlainError(res, 413, HttpErrors.tooLarge, true);
        return 413;
      }
      if (read.kind === 'failed') {
        sendPlainError(res, 400, HttpErrors.readFailed, true);
        return 400;
      }
      if (read.body.length === 0) {
        sendPlainError(res, 400, HttpErrors.emptyBody);
        return 400;
      }
      if (req.headers['content-type'] !== 'application/json') {
        sendPlainError(res, 400, HttpErrors.notJson);
        return 400;
      }
      const slot = limiter.tryAcquire() ?? (await limiter.acquire(scope.signal));
      if (slot === 'queue-full' || slot === 'timeout') {
        metrics.rejected(slot === 'queue-full' ? 'queue-full' : 'deadline');
        if (slot === 'queue-full') res.setHeader('Retry-After', '1');
        sendPlainError(
          res,
          slot === 'queue-full' ? 429 : 503,
          slot === 'queue-full' ? HttpErrors.queueFull : HttpErrors.deadline,
        );
        return slot === 'queue-full' ? 429 : 503;
      }
      let outcome: ReviewOutcome | 'deadline';
      let hard: NodeJS.Timeout | undefined;
      try {
        await turn.next();
        const body = read.body.toString('utf8');
        outcome = await new Promise<ReviewOutcome | 'deadline'>((resolve, reject) => {
          // A handler that ignores its signal must not hold the connection past the deadline (plus a grace).
          const arm = (): void => {
            hard ??= setTimeout(() => resolve('deadline'), 250);
          };
          if (scope.aborted) arm();
          else scope.onAbort = arm;
          handler(body, scope).then(resolve, reject);
        });
      } finally {
        scope.onAbort = undefined;
        clearTimeout(hard);
        slot();
      }
      if (outcome === 'deadline') {
        metrics.rejected('deadline');
        sendPlainError(res, 503, HttpErrors.deadline);
        return 503;
      }
      if (outcome.kind === 'error') {
        const fields = { status: outcome.status, err: outcome.message, detail: outcome.detail };
        if (outcome.status >= 500) logger.error(fields, 'admission request failed');
        else logger.debug(fields, 'admission request rejected');
        sendPlainError(res, outcome.status, outcome.message);
        return outcome.status;
      }
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(outcome.body),
        ...(draining ? { Connection: 'close' } : {}),
      });
      res.end(outcome.body);
      const s = outcome.summary;
      if (logger.isLevelEnabled('info'))
        logger.info(
          {
            uid: s.uid,
            operation: s.operation,
            namespace: s.namespace,
            kind: s.kind,
            resource: s.subresource === '' ? s.resource : `${s.resource}/${s.subresource}`,
            name: s.name,
            user: s.user,
            verdict: s.allowed ? 'allow' : 'deny',
            ...(s.code === undefined ? {} : { code: s.code }),
            warnings: s.warnings,
            latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
          },
          'admission decision',
        );
      return 200;
    } finally {
      clearTimeout(timer);
      res.off('close', onClose);
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = splitTarget(req.url ?? '/');
    const verbose = url.query.has('verbose');
    switch (url.path) {
      case '/healthz':
      case '/healthz/ping':
        sendHealth(res, 'healthz', [['ping', true]], verbose);
        return;
      case '/readyz':
      case '/readyz/informer-sync':
        sendHealth(
          res,
          'readyz',
          // Upstream's only check is informer-sync; psa's shutdown check is listed only while it fails.
          [['informer-sync', options.isReady()], ...(draining || notReady ? [['shutdown', false] as const] : [])],
          verbose,
        );
        return;
      case '/metrics':
        options.metrics.exposition().then(
          (text) => {
            res.writeHead(200, {
              'Content-Type': options.metrics.registry.contentType,
              'Content-Length': Buffer.byteLength(text),
            });
            res.end(text);
          },
          (error: unknown) => {
            logger.error({ err: error instanceof Error ? error.message : String(error) }, 'metrics collection failed');
            sendPlainError(res, 500, HttpErrors.internal);
          },
        );
        return;
      default:
        break;
    }
    active++;
    admit(req, res, url, started).then(
      (code) => {
        active--;
        metrics.observeRequest(code, (performance.now() - started) / 1000);
      },
      (error: unknown) => {
        active--;
        // A bug in the handler: answer as upstream does when its handler panics, log it, keep serving.
        logger.error(
          { err: error instanceof Error ? (error.stack ?? error.message) : String(error) },
          'admission handler failed',
        );
        sendPlainError(res, 500, HttpErrors.internal);
        metrics.observeRequest(500, (performance.now() - started) / 1000);
      },
    );
  });

  return {
    server,
    get inFlight() {
      return active;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    markNotReady() {
      notReady = true;
    },
    setSecureContext(tls) {
      server.setSecureContext(tls);
    },
    async shutdown(graceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their last response goes out; close them as they do. Responses
      // written while draining carry `Connection: close`, so the rest close on their own once flushed.
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), graceMs);
      });
      const result = await Promise.race([closed.then(() => 'closed' as const), expired]);
      clearTimeout(timer);
      clearInterval(sweeper);
      if (result === 'expired') {
        logger.warn({ inFlight: active }, 'shutdown grace period expired, closing connections');
        server.closeAllConnections();
        connections.destroyAll();
        await closed;
      }
      connections.stop();
    },
  };
}
