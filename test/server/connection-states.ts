// Connections in every state a webhook can be left in by a slow, broken or hostile peer, each held until the server
// ends it. Used by connections.test.ts against `psa serve`, and by connection-deadlines.ts to compare psa's deadlines
// with upstream's binary. A state resolves with how long the server took to end the connection (or `undefined` when
// it was still open at `capMs`, after which the test's side closes it).
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { podReviewBody } from './helpers.ts';

export interface Target {
  readonly port: number;
  readonly ca: Buffer;
  readonly cert?: Buffer | undefined;
  readonly key?: Buffer | undefined;
  /** Give up waiting for the server after this long. */
  readonly capMs: number;
}

export interface Outcome {
  /** Milliseconds from the state being reached until the server ended the connection; undefined: it did not. */
  readonly closedAfterMs: number | undefined;
  /** What the server sent back (decrypted), if anything. */
  readonly received: string;
}

export interface ConnectionState {
  readonly name: string;
  /** The deadline that should end it: which of psa's flags, so a test can predict when. */
  readonly deadline: 'handshake' | 'header' | 'idle' | 'slow-client' | 'immediate';
  /**
   * False when the client cannot see the server end the connection: it does not read, so the server's FIN waits
   * behind unread data. Only the server's side (its descriptors) tells; the test checks that.
   */
  readonly observable?: false;
  readonly run: (target: Target) => Promise<Outcome>;
}

/** A small valid review (a pod the default policy allows), as the API server would send it. */
export function reviewBody(uid: string, containers = 1): string {
  return podReviewBody({
    uid,
    namespace: 'default',
    spec: {
      containers: Array.from({ length: containers }, (_, index) => ({
        name: `container-with-a-long-name-${String(index).padStart(5, '0')}`,
        image: 'registry.example/image:1',
      })),
    },
    name: `pod-${uid}`,
    user: 'system:serviceaccount:kube-system:replicaset-controller',
  });
}

export function reviewRequest(body: string, keepAlive = true): string {
  return (
    `POST /validate?timeout=10s HTTP/1.1\r\nHost: psa\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${String(Buffer.byteLength(body))}\r\n${keepAlive ? '' : 'Connection: close\r\n'}\r\n${body}`
  );
}

/** Resolves when the server ends `socket` (FIN or reset) or at the cap; then makes sure the socket is gone. */
function watchClose(socket: Socket, capMs: number, since: () => number): Promise<Outcome> {
  return new Promise((resolve) => {
    let received = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(cap);
      resolve({ closedAfterMs: closed ? Date.now() - since() : undefined, received });
      socket.destroy();
    };
    const cap = setTimeout(() => finish(false), capMs);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

function openTcp(target: Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(target.port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function openTls(target: Target, extra: Partial<ConnectionOptions> = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      {
        host: '127.0.0.1',
        port: target.port,
        ca: target.ca,
        servername: 'localhost',
        ...(target.cert === undefined ? {} : { cert: target.cert, key: target.key }),
        ...extra,
      },
      () => resolve(socket),
    );
    socket.once('error', reject);
  });
}

async function tcpState(target: Target, act: (socket: Socket) => void): Promise<Outcome> {
  const socket = await openTcp(target);
  const started = Date.now();
  const outcome = watchClose(socket, target.capMs, () => started);
  act(socket);
  return outcome;
}

async function tlsState(
  target: Target,
  act: (socket: TLSSocket) => Promise<void> | void,
  extra: Partial<ConnectionOptions> = {},
): Promise<Outcome> {
  const socket = await openTls(target, extra);
  let started = Date.now();
  const outcome = watchClose(socket, target.capMs, () => started);
  await act(socket);
  started = Date.now();
  return outcome;
}

/** Waits for one whole response (headers + Content-Length body) on `socket`. */
function readResponse(socket: TLSSocket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return;
      const length = /content-length: *(\d+)/i.exec(text.slice(0, split));
      if (length !== null && text.length - split - 4 < Number(length[1])) return;
      socket.off('data', onData);
      resolve(text);
    };
    socket.on('data', onData);
  });
}

/** A TLS record header announcing a ClientHello, and then nothing. */
const PARTIAL_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]);

export const CONNECTION_STATES: readonly ConnectionState[] = [
  { name: 'TCP connection that never starts TLS', deadline: 'handshake', run: (t) => tcpState(t, () => undefined) },
  {
    name: 'TCP connection closed by the peer before TLS (FIN)',
    deadline: 'immediate',
    run: (t) => tcpState(t, (socket) => socket.end()),
  },
  {
    name: 'half a ClientHello, then nothing',
    deadline: 'handshake',
    run: (t) => tcpState(t, (socket) => socket.write(PARTIAL_CLIENT_HELLO)),
  },
  {
    name: 'plain HTTP on the TLS port',
    deadline: 'immediate',
    run: (t) => tcpState(t, (socket) => socket.write('GET /healthz HTTP/1.1\r\nHost: psa\r\n\r\n')),
  },
  { name: 'TLS done, no request', deadline: 'header', run: (t) => tlsState(t, () => undefined) },
  {
    name: 'idle keep-alive after a review',
    deadline: 'idle',
    run: (t) =>
      tlsState(t, async (socket) => {
        const response = readResponse(socket);
        socket.write(reviewRequest(reviewBody('keep-alive')));
        await response;
      }),
  },
  {
    name: 'headers never finished',
    deadline: 'header',
    run: (t) =>
      tlsState(t, (socket) => {
        socket.write('POST /validate HTTP/1.1\r\nHost: psa\r\nContent-Type: application/json\r\n');
      }),
  },
  {
    name: 'body stalled after 10 of 100 bytes',
    deadline: 'slow-client',
    run: (t) =>
      tlsState(t, (socket) => {
        socket.write(
          'POST /validate HTTP/1.1\r\nHost: psa\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"kind":"A',
        );
      }),
  },
  {
    name: 'half-closed by the peer (FIN) after part of a request',
    deadline: 'immediate',
    run: (t) =>
      tlsState(t, (socket) => {
        socket.end('POST /validate HTTP/1.1\r\nHost: psa\r\nContent-Le');
      }),
  },
  {
    name: 'TLS 1.2 renegotiation requested by the client, then idle',
    deadline: 'header',
    // Node's client reports a renegotiation the server cut short as a failed handshake, at times before the first
    // handshake's callback has run: either way the server ended it, which is what is measured.
    run: (t) =>
      tlsState(
        t,
        async (socket) => {
          for (let i = 0; i < 4; i++) {
            const refused = await new Promise<boolean>((resolve) => {
              // A server that declines (a no_renegotiation alert) never completes the callback.
              const timer = setTimeout(() => resolve(true), 1000);
              const asked = socket.renegotiate({ rejectUnauthorized: false }, (error) => {
                clearTimeout(timer);
                resolve(error !== null);
              });
              if (!asked) resolve(true);
            });
            if (refused || socket.destroyed) return;
          }
        },
        { maxVersion: 'TLSv1.2' },
      ).catch(() => ({ closedAfterMs: 0, received: '' })),
  },
  {
    name: 'pipelined reviews, responses never read',
    deadline: 'slow-client',
    observable: false,
    run: (t) =>
      tlsState(t, (socket) => {
        socket.pause();
        const request = reviewRequest(reviewBody('unread', 400));
        for (let i = 0; i < 100; i++) socket.write(request);
      }),
  },
  {
    name: 'a response never read (4 KiB receive window)',
    deadline: 'slow-client',
    observable: false,
    run: unreadResponse,
  },
];

/**
 * One review whose answer (~150 KiB) cannot fit the client's receive window, which the client never reads. Node
 * cannot shrink a socket's receive buffer (and loopback's grows to 32 MiB), so a small Python client holds this state;
 * it reports when the server ended the connection from the socket's TCP state, without reading.
 */
async function unreadResponse(target: Target): Promise<Outcome> {
  const script = `
import socket, ssl, sys, time, struct
port, cap = int(sys.argv[1]), float(sys.argv[2]) / 1000
body = sys.stdin.buffer.read()
raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
raw.connect(("127.0.0.1", port))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
conn = context.wrap_socket(raw, server_hostname="localhost")
conn.sendall(body)
started = time.monotonic()
while time.monotonic() - started < cap:
    state = conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    if state != 1:
        print(int((time.monotonic() - started) * 1000))
        sys.stdout.flush()
        sys.exit(0)
    time.sleep(0.05)
print("open")
`;
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script, String(target.port), String(target.capMs)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`python3 client failed (${String(code)}): ${err}`));
        return;
      }
      const text = out.trim();
      resolve({ closedAfterMs: text === 'open' ? undefined : Number(text), received: '' });
    });
    child.stdin.end(reviewRequest(reviewBody('unread', 400)));
  });
}

/** A connection that presents no client certificate (or one the server's CA did not sign). */
export function clientCertificateState(cert?: Buffer, key?: Buffer): ConnectionState {
  return {
    name: cert === undefined ? 'no client certificate' : 'client certificate from another CA',
    deadline: 'immediate',
    run: async (t) => {
      const started = Date.now();
      try {
        const socket = await openTls({ ...t, ...(cert === undefined ? {} : { cert, key }) });
        // TLS 1.3: the client learns of the refusal only after its side of the handshake has ended.
        const outcome = watchClose(socket, t.capMs, () => started);
        socket.write('GET /healthz HTTP/1.1\r\nHost: psa\r\n\r\n');
        return await outcome;
      } catch {
        return { closedAfterMs: Date.now() - started, received: '' };
      }
    },
  };
}
