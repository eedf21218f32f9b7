// A small HTTPS client for driving the webhook in tests and benchmarks.
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Serial number of the certificate the server presented. */
  readonly serverSerial: string;
}

export interface SendOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly agent?: Agent;
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly timeoutMs?: number;
}

export function send(port: number, options: SendOptions): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: {
          ...(options.body === undefined || options.headers?.['Transfer-Encoding'] !== undefined
            ? {}
            : { 'Content-Length': String(Buffer.byteLength(options.body)) }),
          ...(options.headers ?? { 'Content-Type': 'application/json' }),
        },
        ca: options.ca,
        ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
        agent: options.agent ?? false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const socket = res.socket as unknown as { getPeerCertificate?: () => { serialNumber?: string } } | null;
        const serverSerial = socket?.getPeerCertificate?.().serialNumber ?? '';
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            serverSerial,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}
