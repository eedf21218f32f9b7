// psa's connection deadlines beside upstream's, at both servers' defaults:
//   node --import tsx test/server/connection-deadlines.ts [--silent 500]
// Starts the Kubernetes API stand-in, upstream's webhook binary (bench/upstream-webhook/bin/pod-security-webhook) and
// `psa serve`, holds every connection state of connection-states.ts against each (capped at 150 s: both idle
// timeouts are shorter), plus `--silent` TCP connections that never start TLS, and prints a Markdown table of when
// each server ended them and whether its descriptors came back to the baseline. Not part of `npm test` (minutes).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestPki } from './certs.ts';
import { send } from './client.ts';
import { CONNECTION_STATES, reviewBody, type Outcome } from './connection-states.ts';
import { delay, freePort } from './helpers.ts';
import { startKubeApiStandIn } from './kube-api-stand-in.ts';

const { values } = parseArgs({ options: { silent: { type: 'string' } } });
const silentCount = Number(values.silent ?? '500');
const BINARY = resolve(process.env['PSA_UPSTREAM_WEBHOOK'] ?? 'bench/upstream-webhook/bin/pod-security-webhook');
if (!existsSync(BINARY)) throw new Error(`${BINARY} is not built (see .ci/run)`);

const pki = createTestPki();
const api = await startKubeApiStandIn({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) });
api.upsertNamespace('default', {});
const config = join(pki.dir, 'config.yaml');
writeFileSync(
  config,
  'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\n  warn: restricted\n  audit: restricted\n',
);
const tls = ['--tls-cert-file', pki.server.cert, '--tls-private-key-file', pki.server.key];

const children: ChildProcess[] = [];
// A failed start or a Ctrl-C must not leave a server behind.
process.on('exit', () => {
  for (const child of children) child.kill('SIGTERM');
});
process.on('SIGINT', () => process.exit(130));

async function start(name: string, command: string, args: readonly string[], port: number): Promise<ChildProcess> {
  // Upstream's binary reads its configuration relative to its folder; psa runs from the repository (tsx resolves there).
  const child = spawn(command, args, { stdio: 'ignore', cwd: name === 'upstream' ? pki.dir : process.cwd() });
  children.push(child);
  for (let i = 0; i < 300; i++) {
    try {
      if ((await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz', timeoutMs: 1000 })).status === 200) {
        return child;
      }
    } catch {
      // starting
    }
    await delay(100);
  }
  throw new Error(`${name} did not get ready`);
}

const fds = (pid: number): number => readdirSync(`/proc/${String(pid)}/fd`).length;

const servers = await Promise.all([
  (async () => {
    const port = await freePort();
    const kubeconfig = api.writeKubeconfig(join(pki.dir, 'kubeconfig-upstream'), pki.caFile);
    const args = ['--kubeconfig', kubeconfig, '--config', config, ...tls, '--secure-port', String(port)];
    const child = await start('upstream', BINARY, [...args, '--bind-address', '127.0.0.1'], port);
    return { name: 'upstream', port, child };
  })(),
  (async () => {
    const port = await freePort();
    const kubeconfig = api.writeKubeconfig(join(pki.dir, 'kubeconfig-psa'), pki.caFile);
    const args = ['--import', 'tsx', 'src/main.ts', 'serve', '--kubeconfig', kubeconfig, '--config', config, ...tls];
    const child = await start(
      'psa',
      process.execPath,
      [...args, '--secure-port', String(port), '--bind-address', '127.0.0.1', '--log-level', 'warn'],
      port,
    );
    return { name: 'psa', port, child };
  })(),
]);

const rows = new Map<string, string[]>();
const summary: string[] = [];
await Promise.all(
  servers.map(async (server) => {
    const pid = server.child.pid ?? 0;
    await send(server.port, { ca: pki.caCert, path: '/validate', body: reviewBody('warm-up') });
    await delay(500);
    const baseline = fds(pid);
    const target = { port: server.port, ca: pki.caCert, capMs: 150_000 };
    const silent = Array.from({ length: silentCount }, () => {
      const socket = tcpConnect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      const started = Date.now();
      return new Promise<number | undefined>((done) => {
        const cap = setTimeout(() => done(undefined), 150_000);
        socket.once('close', () => {
          clearTimeout(cap);
          done(Date.now() - started);
        });
      }).finally(() => socket.destroy());
    });
    const outcomes = await Promise.all(
      CONNECTION_STATES.map((state) => state.run(target).then((outcome) => [state, outcome] as const)),
    );
    const seconds = (outcome: Outcome): string =>
      outcome.closedAfterMs === undefined
        ? 'not ended (client cannot tell)'
        : `${(outcome.closedAfterMs / 1000).toFixed(1)} s`;
    for (const [state, outcome] of outcomes) {
      const row = rows.get(state.name) ?? [];
      row[server.name === 'psa' ? 0 : 1] = seconds(outcome);
      rows.set(state.name, row);
    }
    const silentTimes = (await Promise.all(silent)).filter((ms): ms is number => ms !== undefined);
    await delay(1000);
    summary.push(
      `${server.name}: ${String(silentTimes.length)} of ${String(silentCount)} silent connections ended by the server ` +
        `(last after ${(Math.max(0, ...silentTimes) / 1000).toFixed(1)} s); descriptors ${String(baseline)} before, ` +
        `${String(fds(pid))} after`,
    );
  }),
);

process.stdout.write('| connection state | psa | upstream |\n|---|---|---|\n');
for (const [name, [ours, theirs]] of rows) process.stdout.write(`| ${name} | ${ours ?? ''} | ${theirs ?? ''} |\n`);
process.stdout.write(`\n${summary.join('\n')}\n`);
for (const server of servers) server.child.kill('SIGTERM');
await api.close();
pki.cleanup();
