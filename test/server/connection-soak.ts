// Connection churn soak for `psa serve` (issue 16):
//   node --import tsx test/server/connection-soak.ts [--seconds 60] [--churners 32]
// Starts `psa serve` with its default deadlines, then for `--seconds` runs `--churners` clients that connect and
// vanish in every way a peer can (close before TLS, hold then drop, half a ClientHello, handshake then drop, half a
// request then drop or FIN, plain HTTP) beside keep-alive clients sending normal reviews. Prints the process's
// descriptor count, RSS and V8 heap in use every 5 s and after the churn stops, and how many normal reviews failed. Not part of
// `npm test`.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { parseArgs } from 'node:util';
import { createTestPki } from './certs.ts';
import { send } from './client.ts';
import { reviewBody } from './connection-states.ts';
import { delay, freePort } from './helpers.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string' }, churners: { type: 'string' } } });
const seconds = Number(values.seconds ?? '60');
const churners = Number(values.churners ?? '32');

const pki = createTestPki();
writeFileSync(join(pki.dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n');
const port = await freePort();
const child = spawn(
  process.execPath,
  [
    ...['--import', 'tsx', 'src/main.ts', 'serve', '--tls-cert-file', pki.server.cert],
    ...['--tls-private-key-file', pki.server.key, '--bind-address', '127.0.0.1', '--secure-port', String(port)],
    ...['--namespaces-from', join(pki.dir, 'ns.yaml'), '--log-level', 'warn'],
  ],
  { stdio: 'ignore' },
);
const pid = child.pid ?? 0;
// A failure or a Ctrl-C must not leave the server behind.
process.on('exit', () => child.kill('SIGTERM'));
process.on('SIGINT', () => process.exit(130));
for (let ready = false; !ready;) {
  ready = await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz', timeoutMs: 1000 }).then(
    (res) => res.status === 200,
    () => false,
  );
  if (!ready) await delay(100);
}

const fds = (): number => readdirSync(`/proc/${String(pid)}/fd`).length;
const rssMiB = (): number => {
  const line = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('VmRSS:'));
  return Math.round(Number(/(\d+)/.exec(line ?? '')?.[1] ?? '0') / 1024);
};
/** V8's heap in use as psa reports it (nodejs_heap_size_used_bytes), in MiB: tells retained memory from RSS slack. */
const heapMiB = async (): Promise<number> => {
  const res = await send(port, { ca: pki.caCert, method: 'GET', path: '/metrics' });
  const line = res.body.split('\n').find((text) => text.startsWith('nodejs_heap_size_used_bytes '));
  return Math.round(Number(line?.split(' ')[1] ?? '0') / 1048576);
};
const agent = new Agent({ keepAlive: true, maxSockets: 4, ca: pki.caCert });
let reviewsOk = 0;
let reviewsFailed = 0;
let running = true;
const review = async (worker: number): Promise<void> => {
  for (let i = 0; running; i++) {
    try {
      const res = await send(port, {
        ca: pki.caCert,
        agent,
        path: '/validate',
        body: reviewBody(`${String(worker)}-${String(i)}`),
      });
      if (res.status === 200) reviewsOk++;
      else reviewsFailed++;
    } catch {
      reviewsFailed++;
    }
  }
};
// Warm up, then take the baseline.
for (let i = 0; i < 200; i++) await send(port, { ca: pki.caCert, agent, path: '/validate', body: reviewBody('warm') });
await delay(500);
const baseline = { fds: fds(), rss: rssMiB(), heap: await heapMiB() };
process.stdout.write(
  `baseline: ${String(baseline.fds)} descriptors, RSS ${String(baseline.rss)} MiB, heap ${String(baseline.heap)} MiB\n`,
);

let churned = 0;
const vanish = (socket: Socket, afterMs: number): Promise<void> =>
  new Promise((done) => {
    socket.on('error', () => undefined);
    setTimeout(() => {
      socket.destroy();
      done();
    }, afterMs);
  });
const CHURN: readonly (() => Promise<void>)[] = [
  () => vanish(tcpConnect(port, '127.0.0.1'), 0),
  () => vanish(tcpConnect(port, '127.0.0.1'), Math.random() * 2000),
  () => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])));
    return vanish(socket, Math.random() * 2000);
  },
  () => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.end('GET / HTTP/1.1\r\n\r\n'));
    return vanish(socket, 500);
  },
  () => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: pki.caCert, servername: 'localhost' });
    return vanish(socket, Math.random() * 1000);
  },
  () => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: pki.caCert, servername: 'localhost' }, () =>
      socket.write('POST /validate HTTP/1.1\r\nHost: psa\r\nContent-Length: 500\r\n\r\n{"kind":'),
    );
    return vanish(socket, Math.random() * 1000);
  },
  () => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: pki.caCert, servername: 'localhost' }, () =>
      socket.end('POST /validate HTTP/1.1\r\nHost: psa\r\nContent-Le'),
    );
    return vanish(socket, 1000);
  },
];
const churn = async (): Promise<void> => {
  while (running) {
    await CHURN[Math.floor(Math.random() * CHURN.length)]!();
    churned++;
  }
};

const started = Date.now();
const work = [...Array.from({ length: 4 }, (_, i) => review(i)), ...Array.from({ length: churners }, churn)];
while (Date.now() - started < seconds * 1000) {
  await delay(5000);
  process.stdout.write(
    `t=${String(Math.round((Date.now() - started) / 1000))}s: ${String(fds())} descriptors, RSS ${String(rssMiB())} MiB, ` +
      `heap ${String(await heapMiB())} MiB, ` +
      `${String(churned)} churned connections, ${String(reviewsOk)} reviews ok, ${String(reviewsFailed)} failed\n`,
  );
}
running = false;
await Promise.all(work);
agent.destroy();
// Every deadline is 10 s at most (handshake, headers, stalled body); keep-alive connections were closed by the agent.
for (let waited = 0; waited <= 15; waited += 5) {
  await delay(5000);
  process.stdout.write(
    `${String(waited + 5)} s after the churn: ${String(fds())} descriptors, RSS ${String(rssMiB())} MiB, ` +
      `heap ${String(await heapMiB())} MiB\n`,
  );
}
process.stdout.write(
  `result: ${String(churned)} churned connections in ${String(seconds)} s, ${String(reviewsOk)} normal reviews ok, ` +
    `${String(reviewsFailed)} failed; descriptors ${String(baseline.fds)} -> ${String(fds())}, ` +
    `RSS ${String(baseline.rss)} -> ${String(rssMiB())} MiB\n`,
);
child.kill('SIGTERM');
pki.cleanup();
