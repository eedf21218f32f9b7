// The recorded reviews against upstream's own webhook binary (built in bench/upstream-webhook; the test is skipped when
// it is absent): upstream's answers must equal our golden responses byte for byte, so the goldens are upstream's
// behaviour, not just ours frozen.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseNamespacesFile } from '../../src/server/file-source.ts';
import { createTestPki, type TestPki } from './certs.ts';
import { send } from './client.ts';
import { startKubeApiStandIn, type KubeApiStandIn } from './kube-api-stand-in.ts';
import { eventually } from './webhook-fixture.ts';

const BINARY = resolve(process.env['PSA_UPSTREAM_WEBHOOK'] ?? 'bench/upstream-webhook/bin/pod-security-webhook');
const DATA = 'testdata/server';
const available = existsSync(BINARY);

describe('recorded reviews against upstream webhook', { skip: available ? false : `${BINARY} not built` }, () => {
  let pki: TestPki;
  let api: KubeApiStandIn;
  let child: ChildProcess;
  let port = 0;

  before(async () => {
    pki = createTestPki();
    api = await startKubeApiStandIn({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) });
    for (const [name, namespace] of parseNamespacesFile(
      readFileSync(join(DATA, 'namespaces.yaml'), 'utf8'),
      'namespaces.yaml',
    )) {
      api.upsertNamespace(name, namespace.metadata.labels ?? {});
    }
    const kubeconfig = api.writeKubeconfig(join(pki.dir, 'kubeconfig'), pki.caFile);
    const config = join(pki.dir, 'config.yaml');
    writeFileSync(config, readFileSync(join(DATA, 'config.yaml')));
    port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    child = spawn(
      BINARY,
      [
        '--kubeconfig',
        kubeconfig,
        '--config',
        config,
        '--tls-cert-file',
        pki.server.cert,
        '--tls-private-key-file',
        pki.server.key,
        '--secure-port',
        String(port),
        '--bind-address',
        '127.0.0.1',
      ],
      {
        stdio: ['ignore', 'ignore', process.env['PSA_DEBUG'] ? 'inherit' : 'ignore'],
        cwd: pki.dir,
      },
    );
    await eventually(async () => {
      try {
        return (await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz' })).status === 200;
      } catch {
        return false;
      }
    }, 30_000);
  });
  after(async () => {
    child.kill('SIGTERM');
    await api.close();
    pki.cleanup();
  });

  const names = readdirSync(join(DATA, 'reviews'))
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
  for (const name of names) {
    it(name, async () => {
      const res = await send(port, {
        ca: pki.caCert,
        path: '/?timeout=10s',
        body: readFileSync(join(DATA, 'reviews', `${name}.json`), 'utf8'),
      });
      const golden = readFileSync(join(DATA, 'responses', `${name}.http`), 'utf8');
      const newline = golden.indexOf('\n');
      // Same status and body; the one deliberate difference is the Content-Type of 200 answers (upstream's is sniffed).
      assert.equal(`HTTP ${res.status}`, golden.slice(0, newline).split(' ').slice(0, 2).join(' '));
      assert.equal(res.body, golden.slice(newline + 1));
    });
  }
});
