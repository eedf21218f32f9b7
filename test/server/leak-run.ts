// Memory check for the webhook: node --expose-gc --import tsx test/server/leak-run.ts [--requests 600000] [--every 50000]
// Runs the production wiring (kubeconfig source, pod listing, admission handler) against the Kubernetes API stand-in
// in this process, sends the webhook benchmark's mix over HTTPS with keep-alive, and after every `--every` requests
// forces two garbage collections and prints the heap in use: flat means nothing is retained per request (RSS alone
// cannot tell a leak from V8 growing its reserved heap).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPool, NAMESPACES, podsFor } from '../../bench/lib/webhook-mix.ts';
import { createLogger } from '../../src/server/logger.ts';
import { parseServeArgs } from '../../src/server/options.ts';
import { createClusterSource, createReviewHandler, createSettingsLoader } from '../../src/server/serve.ts';
import { startWebhook } from '../../src/server/webhook.ts';
import { createTestPki } from './certs.ts';
import { startKubeApiStandIn } from './kube-api-stand-in.ts';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const { values } = parseArgs({ options: { requests: { type: 'string' }, every: { type: 'string' } } });
const total = Number(values.requests ?? '600000');
const every = Number(values.every ?? '50000');

const pki = createTestPki();
const work = mkdtempSync(join(tmpdir(), 'psa-leak-run-'));
const api = await startKubeApiStandIn({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) });
for (const ns of NAMESPACES) {
  api.upsertNamespace(ns.name, ns.labels);
  api.setPods(ns.name, podsFor(ns.name, 60));
}
const config = join(work, 'config.yaml');
writeFileSync(
  config,
  'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: privileged\n  audit: baseline\n  warn: baseline\nexemptions:\n  namespaces: [kube-system]\n',
);
const parsed = parseServeArgs([
  ...['--kubeconfig', api.writeKubeconfig(join(work, 'kubeconfig'), pki.caFile), '--config', config],
  ...['--tls-cert-file', pki.server.cert, '--tls-private-key-file', pki.server.key],
  ...['--bind-address', '127.0.0.1', '--secure-port', '0', '--client-qps-limit', '1000', '--client-qps-burst', '2000'],
]);
if (parsed.kind !== 'options') throw new Error(`serve flags: ${JSON.stringify(parsed)}`);
const options = parsed.options;
const logger = createLogger('warn', process.stderr);
const webhook = await startWebhook(options, {
  logger,
  source: createClusterSource(options, logger, work),
  loadSettings: createSettingsLoader(options, work),
  createHandler: createReviewHandler,
});
while (!webhook.http.server.listening) await new Promise((resolve) => setTimeout(resolve, 50));

const pool = buildPool(1000);
const agent = new Agent({ keepAlive: true, maxSockets: 32, ca: pki.caCert });
function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: webhook.address.port,
        method: 'POST',
        path: '/?timeout=10s',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let sent = 0;
let answered = 0;
let errors = 0;
const samples: number[] = [];
async function worker(): Promise<void> {
  while (sent < total) {
    const body = pool[sent++ % pool.length]!.text;
    if ((await post(body)) !== 200) errors++;
    answered++;
    if (answered % every === 0) {
      gc!();
      gc!();
      const memory = process.memoryUsage();
      samples.push(memory.heapUsed / 2 ** 20);
      process.stdout.write(
        `${answered} requests: heap in use ${(memory.heapUsed / 2 ** 20).toFixed(1)} MiB, RSS ${(memory.rss / 2 ** 20).toFixed(0)} MiB, errors ${errors}\n`,
      );
    }
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
agent.destroy();
await webhook.shutdown(1000);
await api.close();
pki.cleanup();
rmSync(work, { recursive: true, force: true });
const first = samples[0] ?? 0;
const last = samples.at(-1) ?? 0;
process.stdout.write(
  `heap in use after GC: first ${first.toFixed(1)} MiB, last ${last.toFixed(1)} MiB, errors ${errors}\n`,
);
// More than 10 MiB of growth over the run is reported as a failure.
process.exitCode = errors === 0 && last - first < 10 ? 0 : 1;
