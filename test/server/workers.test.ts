// `psa serve --workers N` as processes: the workers share one port, both answer, `/metrics` on any of them counts the
// decisions of all, a worker that dies is replaced, SIGTERM drains every worker and exits 0, and a startup failure
// exits 2 instead of looping.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestPki, type TestPki } from './certs.ts';
import { send } from './client.ts';
import { autoWorkers } from '../../src/server/cpu-budget.ts';
import { podReviewBody } from './helpers.ts';

let pki: TestPki;
let dir: string;
before(() => {
  pki = createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'psa-workers-'));
  writeFileSync(
    join(dir, 'ns.yaml'),
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n',
  );
});
after(() => {
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function startServe(extra: readonly string[]): ChildProcessWithoutNullStreams {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main.ts',
      'serve',
      '--tls-cert-file',
      pki.server.cert,
      '--tls-private-key-file',
      pki.server.key,
      '--bind-address',
      '127.0.0.1',
      '--namespaces-from',
      join(dir, 'ns.yaml'),
      ...extra,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

interface LogLine {
  readonly msg: string;
  readonly pid: number;
  readonly port?: number;
}

const review = (uid: string): string =>
  podReviewBody({
    uid,
    namespace: 'team',
    spec: { containers: [{ name: 'c', image: 'i' }] },
    name: `p-${uid}`,
    user: 'bob',
  });

describe('psa serve --workers', () => {
  it('shares one port between workers, aggregates metrics, replaces a dead worker and drains all on SIGTERM', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = startServe(['--workers', '2', '--secure-port', String(port)]);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const lines = (): LogLine[] =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (lines().filter((line) => line.msg === 'serving admission webhook').length === 2) resolve();
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const serving = lines().filter((line) => line.msg === 'serving admission webhook');
    assert.deepEqual(
      serving.map((line) => line.port),
      [port, port],
    );
    assert.equal(new Set(serving.map((line) => line.pid)).size, 2, 'two worker processes');

    // A new connection per request: the primary hands connections to the workers in turn.
    const total = 12;
    for (let i = 0; i < total; i++) {
      const res = await send(port, { ca: pki.caCert, body: review(`u${i}`) });
      assert.equal(res.status, 200);
      assert.match(res.body, /"allowed":false/);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const deciders = new Set(
      lines()
        .filter((line) => line.msg === 'admission decision')
        .map((line) => line.pid),
    );
    assert.equal(deciders.size, 2, 'both workers answered');

    // Whichever worker answers /metrics reports the decisions of both.
    for (let i = 0; i < 3; i++) {
      const metrics = await send(port, { ca: pki.caCert, method: 'GET', path: '/metrics' });
      assert.equal(metrics.status, 200);
      const denied = /^pod_security_evaluations_total\{decision="deny",mode="enforce",[^}]*\} (\d+)$/m.exec(
        metrics.body,
      );
      assert.equal(Number(denied?.[1]), total, metrics.body.slice(0, 2000));
    }

    // A worker that dies is replaced; the port keeps answering meanwhile.
    const victim = serving[0]!.pid;
    process.kill(victim, 'SIGKILL');
    const replaced = (): boolean =>
      lines().filter((line) => line.msg === 'serving admission webhook' && line.pid !== victim).length >= 2;
    for (let i = 0; i < 100 && !replaced(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(replaced(), 'a replacement worker is serving');
    assert.ok(lines().some((line) => line.msg === 'worker exited, starting a replacement'));
    const after = await send(port, { ca: pki.caCert, body: review('after-crash') });
    assert.equal(after.status, 200);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(stderr, '');
    const stopped = lines().filter((line) => line.msg === 'shut down');
    assert.equal(stopped.length, 2, 'every live worker drained');
  });

  it('--workers auto starts one process per usable CPU (capped) and says what it found', async () => {
    const expected = autoWorkers();
    const child = startServe(['--workers', 'auto', '--secure-port', '0']);
    let stdout = '';
    const lines = (): (LogLine & { workers?: number; cpus?: number })[] =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine & { workers?: number; cpus?: number });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (lines().filter((line) => line.msg === 'serving admission webhook').length === expected.workers) resolve();
      });
    });
    const auto = lines().find((line) => line.msg === 'workers: auto');
    assert.equal(auto?.workers, expected.workers);
    assert.equal(auto?.cpus, expected.cpus);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('exits 2 when the workers cannot start, without restarting them forever', async () => {
    const child = startServe(['--workers', '2', '--secure-port', '0', '--config', join(dir, 'missing.yaml')]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    assert.equal(code, 2);
    assert.match(stderr, /psa serve: .*missing\.yaml/);
  });
});
