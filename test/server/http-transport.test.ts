// The HTTPS transport against a real loopback server: upstream's HTTP error matrix, health endpoints, limits,
// deadlines, load shedding and slow clients. The admission layer is replaced by a small fake handler here; the
// end-to-end tests with real AdmissionReviews live in webhook.test.ts.
import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import {
  createWebhookHttpServer,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_BODY_BYTES,
  type HttpServerOptions,
  type WebhookHttpServer,
} from '../../src/server/http-server.ts';
import { createServerMetrics } from '../../src/server/metrics.ts';
import type { ReviewHandler } from '../../src/server/review.ts';
import { createTestPki, type TestPki } from './certs.ts';
import { send } from './client.ts';
import { capturingLogger, delay, echoHandler, silentLogger } from './helpers.ts';
import { readFileSync } from 'node:fs';

let pki: TestPki;
before(() => {
  pki = createTestPki();
});
after(() => pki.cleanup());

async function withServer(
  overrides: Partial<HttpServerOptions>,
  body: (port: number, server: WebhookHttpServer) => Promise<void>,
): Promise<void> {
  const server = createWebhookHttpServer({
    tls: { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) },
    requireClientCert: false,
    minVersion: 'TLSv1.2',
    handler: echoHandler,
    isReady: () => true,
    metrics: createServerMetrics({ processMetrics: false }),
    logger: silentLogger(),
    maxInFlight: 8,
    maxQueued: 8,
    requestTimeoutMs: 5000,
    ...overrides,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  try {
    await body(port, server);
  } finally {
    await server.shutdown(1000);
  }
}

const plainTextHeaders = (headers: Record<string, unknown>): void => {
  assert.equal(headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(headers['x-content-type-options'], 'nosniff');
};

describe('admission endpoint: upstream HTTP error matrix', () => {
  const cases: readonly {
    readonly name: string;
    readonly headers: Record<string, string>;
    readonly body?: string | Buffer;
    readonly method?: string;
    readonly path?: string;
    readonly status: number;
    readonly text: string;
  }[] = [
    { name: 'no body', headers: { 'Content-Type': 'application/json' }, status: 400, text: 'request body is empty\n' },
    {
      name: 'zero-length body',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '0' },
      body: '',
      status: 400,
      text: 'request body is empty\n',
    },
    {
      name: 'body of exactly 3 MiB',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES, 0x20),
      status: 413,
      text: 'request entity is too large; limit is 3145728 bytes\n',
    },
    {
      name: 'body over 3 MiB',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 10, 0x20),
      status: 413,
      text: 'request entity is too large; limit is 3145728 bytes\n',
    },
    {
      name: 'over 3 MiB with a wrong content type (size is checked first)',
      headers: { 'Content-Type': 'text/plain' },
      body: Buffer.alloc(MAX_BODY_BYTES, 0x20),
      status: 413,
      text: 'request entity is too large; limit is 3145728 bytes\n',
    },
    {
      name: 'content type with charset',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: '{}',
      status: 400,
      text: 'unable to process a request with a non-json content type\n',
    },
    {
      name: 'no content type',
      headers: {},
      body: '{}',
      status: 400,
      text: 'unable to process a request with a non-json content type\n',
    },
    {
      name: 'yaml content type',
      headers: { 'Content-Type': 'application/yaml' },
      body: '{}',
      status: 400,
      text: 'unable to process a request with a non-json content type\n',
    },
    {
      name: 'garbage body',
      headers: { 'Content-Type': 'application/json' },
      body: 'not json',
      status: 400,
      text: 'unable to decode the request\n',
    },
    {
      name: 'just under 3 MiB reaches the decoder',
      headers: { 'Content-Type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES - 1, 0x78),
      status: 400,
      text: 'unable to decode the request\n',
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      withServer({}, async (port) => {
        const res = await send(port, {
          ca: pki.caCert,
          headers: c.headers,
          ...(c.body === undefined ? {} : { body: c.body }),
        });
        assert.equal(res.status, c.status);
        assert.equal(res.body, c.text);
        plainTextHeaders(res.headers);
      }),
    );
  }

  it('a chunked body that reaches 3 MiB is refused without buffering it all', () =>
    withServer({}, async (port) => {
      const res = await send(port, {
        ca: pki.caCert,
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
        body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
      });
      assert.equal(res.status, 413);
      assert.equal(res.body, 'request entity is too large; limit is 3145728 bytes\n');
    }));

  it('any path and method other than the health and metrics endpoints is the admission handler', () =>
    withServer({}, async (port) => {
      for (const [method, path] of [
        ['POST', '/'],
        ['PUT', '/validate'],
        ['GET', '/anything?timeout=10s'],
      ] as const) {
        const res = await send(port, {
          ca: pki.caCert,
          method,
          path,
          headers: { 'Content-Type': 'application/json' },
          body: '{}',
        });
        assert.equal(res.status, 200, `${method} ${path}`);
        assert.equal(res.body, '{"echo":2}\n');
      }
    }));
});

describe('health, readiness and metrics', () => {
  it('/healthz answers ok, verbosely with the check list', () =>
    withServer({}, async (port) => {
      for (const path of ['/healthz', '/healthz/ping']) {
        const res = await send(port, { ca: pki.caCert, method: 'GET', path });
        assert.equal(res.status, 200);
        assert.equal(res.body, 'ok');
      }
      const verbose = await send(port, { ca: pki.caCert, method: 'GET', path: '/healthz?verbose' });
      assert.equal(verbose.body, '[+]ping ok\nhealthz check passed\n');
    }));

  it('/readyz fails until the namespace source has synced', async () => {
    let ready = false;
    await withServer({ isReady: () => ready }, async (port) => {
      const before = await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz' });
      assert.equal(before.status, 500);
      // Upstream's text exactly: psa's own shutdown check is listed only while it fails.
      assert.equal(before.body, '[-]informer-sync failed: reason withheld\nreadyz check failed\n');
      ready = true;
      const afterSync = await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz/informer-sync' });
      assert.equal(afterSync.status, 200);
      assert.equal(afterSync.body, 'ok');
      const verbose = await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz?verbose' });
      assert.equal(verbose.body, '[+]informer-sync ok\nreadyz check passed\n');
    });
  });

  it('/readyz lists the shutdown check, failing, once a graceful stop has begun', () =>
    withServer({}, async (port, server) => {
      server.markNotReady();
      const res = await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz' });
      assert.equal(res.status, 500);
      assert.equal(res.body, '[+]informer-sync ok\n[-]shutdown failed: reason withheld\nreadyz check failed\n');
    }));

  it('/metrics exposes upstream counters with pre-created series and the request histogram', () =>
    withServer({}, async (port) => {
      await send(port, { ca: pki.caCert, body: '{}' });
      const res = await send(port, { ca: pki.caCert, method: 'GET', path: '/metrics' });
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4/);
      for (const line of [
        '# HELP pod_security_evaluations_total [ALPHA] Number of policy evaluations that occurred, not counting ignored or exempt requests.',
        '# TYPE pod_security_evaluations_total counter',
        'pod_security_evaluations_total{decision="allow",mode="enforce",policy_level="privileged",policy_version="latest",request_operation="create",resource="pod",subresource=""} 0',
        'pod_security_evaluations_total{decision="allow",mode="enforce",policy_level="privileged",policy_version="latest",request_operation="update",resource="pod",subresource=""} 0',
        '# HELP pod_security_exemptions_total [ALPHA] Number of exempt requests, not counting ignored or out of scope requests.',
        'pod_security_exemptions_total{request_operation="create",resource="controller",subresource=""} 0',
        'pod_security_exemptions_total{request_operation="update",resource="pod",subresource=""} 0',
        '# HELP pod_security_errors_total [ALPHA] Number of errors preventing normal evaluation. Non-fatal errors may result in the latest restricted profile being used for evaluation.',
        'psa_webhook_request_duration_seconds_count{code="200"} 1',
      ]) {
        assert.ok(res.body.split('\n').includes(line), `missing line: ${line}`);
      }
    }));
});

describe('deadlines, load shedding and failures', () => {
  it('the ?timeout= budget bounds a request: the handler is aborted and the client gets 503', async () => {
    let aborted = false;
    const slow: ReviewHandler = (_body, context) =>
      new Promise((resolve) => {
        context.signal.addEventListener('abort', () => {
          aborted = true;
        });
        setTimeout(() => resolve({ kind: 'error', status: 400, message: 'late' }), 5000).unref();
      });
    await withServer({ handler: slow }, async (port) => {
      const started = Date.now();
      const res = await send(port, { ca: pki.caCert, path: '/?timeout=500ms', body: '{}' });
      const elapsed = Date.now() - started;
      assert.equal(res.status, 503);
      assert.equal(res.body, 'request deadline exceeded\n');
      assert.ok(aborted, 'the handler saw its signal abort');
      assert.ok(elapsed < 2000, `answered in ${elapsed} ms`);
    });
  });

  it('the deadline handed to admission sits inside the ?timeout= budget', async () => {
    let seen = 0;
    const probe: ReviewHandler = (body, context) => {
      seen = context.deadline - Date.now();
      return echoHandler(body, context);
    };
    await withServer({ handler: probe }, async (port) => {
      await send(port, { ca: pki.caCert, path: '/?timeout=2s', body: '{}' });
      assert.ok(seen > 1500 && seen <= 1800, `deadline ${seen} ms ahead`);
      await send(port, { ca: pki.caCert, path: '/?timeout=bogus', body: '{}' });
      assert.ok(seen > 4500 && seen <= 5000, `invalid timeout ignored: ${seen} ms ahead`);
    });
  });

  it('beyond the in-flight and queue limits requests get 429 with Retry-After', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const blocking: ReviewHandler = async (body, context) => {
      await gate;
      return echoHandler(body, context);
    };
    await withServer({ handler: blocking, maxInFlight: 2, maxQueued: 1 }, async (port) => {
      const held = [1, 2, 3].map(() => send(port, { ca: pki.caCert, body: '{}' }));
      await delay(300);
      const shed = await send(port, { ca: pki.caCert, body: '{}' });
      assert.equal(shed.status, 429);
      assert.equal(shed.body, 'too many requests, please retry later\n');
      assert.equal(shed.headers['retry-after'], '1');
      release();
      for (const res of await Promise.all(held)) assert.equal(res.status, 200);
    });
  });

  it('a handler bug answers 500 like upstream and the server keeps serving', async () => {
    const { logger, lines } = capturingLogger();
    const broken: ReviewHandler = (body, context) => {
      if (body === '{"boom":true}') throw new Error('boom');
      return echoHandler(body, context);
    };
    await withServer({ handler: broken, logger }, async (port) => {
      const res = await send(port, { ca: pki.caCert, body: '{"boom":true}' });
      assert.equal(res.status, 500);
      assert.equal(res.body, 'internal server error\n');
      const ok = await send(port, { ca: pki.caCert, body: '{}' });
      assert.equal(ok.status, 200);
    });
    assert.ok(lines().some((line) => line['msg'] === 'admission handler failed'));
  });

  it('logs one JSON line per decision without the object', async () => {
    const { logger, lines } = capturingLogger();
    await withServer({ logger }, async (port) => {
      await send(port, { ca: pki.caCert, body: '{"secret":"do-not-log"}' });
    });
    const decisions = lines().filter((line) => line['msg'] === 'admission decision');
    assert.equal(decisions.length, 1);
    const line = decisions[0]!;
    assert.deepEqual(
      {
        namespace: line['namespace'],
        kind: line['kind'],
        name: line['name'],
        user: line['user'],
        verdict: line['verdict'],
      },
      { namespace: 'ns', kind: 'Pod', name: 'p', user: 'alice', verdict: 'allow' },
    );
    assert.equal(typeof line['latencyMs'], 'number');
    assert.ok(!JSON.stringify(line).includes('do-not-log'));
  });
});

describe('slow clients', () => {
  function rawTls(port: number): Promise<import('node:tls').TLSSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca: pki.caCert }, () => resolve(socket));
      socket.on('error', reject);
    });
  }
  const closed = (socket: import('node:tls').TLSSocket): Promise<string> =>
    new Promise((resolve) => {
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      socket.on('close', () => resolve(data));
      socket.on('error', () => undefined);
    });

  it('idle keep-alive connections outlive the API server client (90 s), so the client closes them first', () =>
    withServer({}, (_port, server) => {
      assert.equal(server.server.keepAliveTimeout, KEEP_ALIVE_TIMEOUT_MS);
      assert.ok(KEEP_ALIVE_TIMEOUT_MS > 90_000);
      return Promise.resolve();
    }));

  it('an idle keep-alive connection is closed after the keep-alive timeout', () =>
    withServer({ keepAliveTimeoutMs: 300 }, async (port) => {
      const socket = await rawTls(port);
      const done = closed(socket);
      const started = Date.now();
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      const data = await done;
      assert.match(data, /^HTTP\/1\.1 200 /);
      assert.ok(Date.now() - started < 5000, 'closed by the server, not by the test timeout');
    }));

  it('a client that never finishes its headers is disconnected', () =>
    withServer({ headersTimeoutMs: 400 }, async (port) => {
      const socket = await rawTls(port);
      const done = closed(socket);
      socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
      const started = Date.now();
      const data = await done;
      assert.ok(Date.now() - started < 3000);
      assert.ok(data === '' || data.startsWith('HTTP/1.1 408') || data.startsWith('HTTP/1.1 400'), data);
    }));

  it('a client that stops reading its response is disconnected once nothing moves for the stall timeout', async () => {
    // 64 MiB cannot fit the client's receive buffer (loopback grows it to 32 MiB at most) plus the server's send buffer.
    const huge = 'x'.repeat(64 * 1024 * 1024);
    const bigAnswer: ReviewHandler = async (body, context) => {
      const outcome = await echoHandler(body, context);
      return outcome.kind === 'reviewed' ? { ...outcome, body: huge } : outcome;
    };
    const metrics = createServerMetrics({ processMetrics: false });
    await withServer({ handler: bigAnswer, writeStallMs: 300, bodyTimeoutMs: 400, metrics }, async (port, server) => {
      const socket = await rawTls(port);
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      socket.pause();
      socket.on('error', () => undefined);
      const open = (): Promise<number> =>
        new Promise((resolve, reject) =>
          server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
        );
      await delay(300);
      assert.equal(await open(), 1, 'the response is stuck in flight');
      const started = Date.now();
      while ((await open()) > 0) {
        assert.ok(Date.now() - started < 5000, 'the stalled connection was never closed');
        await delay(50);
      }
      socket.destroy();
      assert.match(await metrics.exposition(), /psa_webhook_connections_closed_total\{reason="write_stall"\} 1/);
    });
  });

  it('a client that stalls mid-body gets 400 and is disconnected', () =>
    withServer({ bodyTimeoutMs: 400 }, async (port) => {
      const socket = await rawTls(port);
      const done = closed(socket);
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
      const data = await done;
      assert.match(data, /^HTTP\/1\.1 400 /);
      assert.ok(data.endsWith('unable to read the body from the incoming request\n'), data);
    }));
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new connections, then resolves', async () => {
    const slow: ReviewHandler = async (body, context) => {
      await delay(400);
      return echoHandler(body, context);
    };
    const server = createWebhookHttpServer({
      tls: { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) },
      requireClientCert: false,
      minVersion: 'TLSv1.2',
      handler: slow,
      isReady: () => true,
      metrics: createServerMetrics({ processMetrics: false }),
      logger: silentLogger(),
      maxInFlight: 8,
      maxQueued: 8,
      requestTimeoutMs: 5000,
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const inFlight = [1, 2, 3].map(() => send(port, { ca: pki.caCert, body: '{}' }));
    await delay(150);
    assert.equal(server.inFlight, 3);
    const stopped = server.shutdown(5000);
    await delay(20);
    await assert.rejects(send(port, { ca: pki.caCert, body: '{}' }), /ECONNREFUSED|ECONNRESET|socket hang up/);
    for (const res of await Promise.all(inFlight)) {
      assert.equal(res.status, 200);
      assert.equal(res.body, '{"echo":2}\n');
    }
    await stopped;
    assert.equal(server.inFlight, 0);
  });

  it('force-closes connections still busy when the grace period ends', async () => {
    const stuck: ReviewHandler = () => new Promise(() => undefined);
    const server = createWebhookHttpServer({
      tls: { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) },
      requireClientCert: false,
      minVersion: 'TLSv1.2',
      handler: stuck,
      isReady: () => true,
      metrics: createServerMetrics({ processMetrics: false }),
      logger: silentLogger(),
      maxInFlight: 8,
      maxQueued: 8,
      requestTimeoutMs: 60_000,
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const pending = send(port, { ca: pki.caCert, body: '{}' }).catch((error: unknown) => error);
    await delay(150);
    const started = Date.now();
    await server.shutdown(300);
    assert.ok(Date.now() - started < 2000);
    assert.ok((await pending) instanceof Error);
  });
});

describe('TLS', () => {
  it('refuses TLS 1.1 and accepts 1.2 and 1.3', () =>
    withServer({}, async (port) => {
      for (const [version, ok] of [
        ['TLSv1.1', false],
        ['TLSv1.2', true],
        ['TLSv1.3', true],
      ] as const) {
        const result = await new Promise<boolean>((resolve) => {
          const socket = connect(
            { host: '127.0.0.1', port, ca: pki.caCert, minVersion: version, maxVersion: version },
            () => {
              socket.end();
              resolve(true);
            },
          );
          socket.on('error', () => resolve(false));
        });
        assert.equal(result, ok, version);
      }
    }));

  it('with a client CA, only clients presenting a certificate it signed get through', () =>
    withServer(
      {
        tls: { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key), ca: pki.caCert },
        requireClientCert: true,
      },
      async (port) => {
        await assert.rejects(send(port, { ca: pki.caCert, body: '{}' }));
        const res = await send(port, { ca: pki.caCert, body: '{}', cert: pki.client.cert, key: pki.client.key });
        assert.equal(res.status, 200);
      },
    ));
});
