import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from './logger.ts';

/**
 * Why the webhook's side ended a connection (`closed`: the peer closed it, or a response asked to). Each connection is
 * counted once, under the first reason that applied.
 */
export const CONNECTION_CLOSE_REASONS = [
  'handshake_timeout',
  'handshake_error',
  'header_timeout',
  'idle',
  'write_stall',
  'bad_request',
  'error',
  'shutdown',
  'closed',
] as const;
export type ConnectionCloseReason = (typeof CONNECTION_CLOSE_REASONS)[number];

export interface ConnectionMetrics {
  connectionClosed(reason: ConnectionCloseReason): void;
  /** A connection refused because `--max-connections` were open. */
  connectionDropped(): void;
  /** Reports `read()` as the open-connections gauge, read when metrics are collected. */
  trackOpenConnections(read: () => number): void;
}

export interface ConnectionGuardOptions {
  /** Connections held at once (TLS handshakes included); more are closed as they arrive. */
  readonly maxConnections: number;
  /** A response that makes no progress for this long (the client stopped reading) ends its connection. */
  readonly writeStallMs: number;
  /** How often stalled writes are looked for. */
  readonly checkIntervalMs: number;
  readonly metrics: ConnectionMetrics;
  readonly logger: Logger;
}

export interface ConnectionGuard {
  readonly open: number;
  /** Destroys every connection still open (the end of a graceful stop). */
  destroyAll(): void;
  stop(): void;
}

/**
 * After answering a malformed request, how long the peer may take to close before the socket is destroyed. Closing
 * at once while the peer's unread bytes sit in our receive buffer makes the kernel send RST, which can discard the
 * answer before the client reads it (Go's server waits 500 ms for the same reason).
 */
const LINGER_MS = 500;

const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

function errorCode(error: Error): string | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Owns the webhook's connections from accept to close, so that no peer can hold a descriptor past a deadline:
 *
 * - Node's `https` server reports handshake failures and handshake timeouts to `clientError` listeners and then leaves
 *   the socket to them; the socket is destroyed here (not answered: there is no TLS session to answer on).
 * - Malformed requests get upstream's plain 400 and the connection is ended, then destroyed if the peer lingers.
 * - Header and request timeouts close the connection without an answer, as Go's server does.
 * - Idle keep-alive connections are closed at the keep-alive timeout (Node's timer; counted here).
 * - A response the client does not read (its receive window full, nothing moving for `writeStallMs`) ends the
 *   connection; Node has no deadline for that.
 * - At most `maxConnections` are held; the rest are closed on arrival, with a metric and a rate-limited log line.
 */
export function guardConnections(server: Server, options: ConnectionGuardOptions): ConnectionGuard {
  const { metrics, logger } = options;
  const raw = new Set<Socket>();
  /** Connections past their handshake, watched for stalled writes: last seen unsent byte count, and since when. */
  const secure = new Map<Socket, { pending: number; since: number }>();
  const counted = new WeakSet<Socket>();

  const count = (socket: Socket, reason: ConnectionCloseReason): void => {
    if (counted.has(socket)) return;
    counted.add(socket);
    metrics.connectionClosed(reason);
  };
  const destroy = (socket: Socket, reason: ConnectionCloseReason): void => {
    count(socket, reason);
    socket.destroy();
  };

  server.maxConnections = options.maxConnections;
  metrics.trackOpenConnections(() => raw.size);
  server.on('connection', (socket: Socket) => {
    raw.add(socket);
    socket.once('close', () => raw.delete(socket));
  });

  let dropped = 0;
  let dropLogged = 0;
  server.on('drop', () => {
    metrics.connectionDropped();
    dropped++;
    const now = Date.now();
    // One line when the limit is first hit, then at most one every 10 s with the count since the last.
    if (now - dropLogged < 10_000) return;
    logger.warn(
      { maxConnections: options.maxConnections, open: raw.size, refused: dropped },
      'connection limit reached: refusing new connections (--max-connections)',
    );
    dropped = 0;
    dropLogged = now;
  });

  server.on('secureConnection', (socket: TLSSocket) => {
    secure.set(socket, { pending: 0, since: 0 });
    socket.once('close', () => {
      secure.delete(socket);
      count(socket, 'closed');
    });
  });

  server.on('clientError', (error: Error, socket: Socket) => {
    const code = errorCode(error);
    if ((socket as Partial<TLSSocket>).encrypted === true && !secure.has(socket)) {
      // No TLS session yet: nothing can be answered. Destroying here is what releases the descriptor.
      destroy(socket, code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? 'handshake_timeout' : 'handshake_error');
      return;
    }
    // Node's code for headers (or a whole request) that did not arrive in time.
    if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      destroy(socket, 'header_timeout');
      return;
    }
    if (code?.startsWith('HPE_') === true && socket.writable) {
      logger.debug({ err: error.message, code }, 'malformed request: answered 400, closing the connection');
      count(socket, 'bad_request');
      socket.end(BAD_REQUEST);
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
      return;
    }
    destroy(socket, 'error');
  });

  // Only Node's keep-alive timer arms a socket timeout here (the server's own `timeout` is 0); with a listener, closing
  // the connection is ours to do.
  server.on('timeout', (socket: Socket) => destroy(socket, 'idle'));

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [socket, watch] of secure) {
      const pending = socket.writableLength;
      if (pending === 0) {
        watch.pending = 0;
        continue;
      }
      if (pending !== watch.pending) {
        watch.pending = pending;
        watch.since = now;
        continue;
      }
      if (now - watch.since >= options.writeStallMs) destroy(socket, 'write_stall');
    }
  }, options.checkIntervalMs);
  sweep.unref();

  return {
    get open() {
      return raw.size;
    },
    destroyAll() {
      for (const socket of secure.keys()) destroy(socket, 'shutdown');
      // Destroying a TLS socket destroys its TCP socket at once; what is left is still in its handshake.
      for (const socket of raw) if (!socket.destroyed) destroy(socket, 'shutdown');
    },
    stop() {
      clearInterval(sweep);
    },
  };
}
