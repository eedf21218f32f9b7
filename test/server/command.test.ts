// `psa serve` as a process: flags, startup errors with exit code 2, and SIGTERM draining to exit code 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runServeCommand } from '../../src/server/command.ts';
import { parseGoDuration, parseServeArgs } from '../../src/server/options.ts';
import type { CliIo } from '../../src/process-io.ts';
import { createTestPki, type TestPki } from './certs.ts';
import { send } from './client.ts';

let pki: TestPki;
let dir: string;
before(() => {
  pki = createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'psa-serve-'));
  writeFileSync(
    join(dir, 'ns.yaml'),
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n',
  );
});
after(() => {
  pki.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function fakeIo(): { readonly io: CliIo; readonly out: () => string; readonly err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (chunk: string) => (out += chunk) },
      stderr: { write: (chunk: string) => (err += chunk) },
      stdin: process.stdin,
      cwd: dir,
      env: {},
    },
    out: () => out,
    err: () => err,
  };
}

describe('flags', () => {
  it('parses Go durations', () => {
    const cases: readonly [string, number | undefined][] = [
      ['10s', 10_000],
      ['1m30s', 90_000],
      ['250ms', 250],
      ['1.5s', 1500],
      ['2h', 7_200_000],
      ['0', 0],
      ['', undefined],
      ['10', undefined],
      ['s', undefined],
      ['5x', undefined],
    ];
    for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
  });

  it('normalizes underscores, applies defaults and validates', () => {
    const parsed = parseServeArgs(['--tls_cert_file=a', '--tls-private-key-file', 'b']);
    assert.equal(parsed.kind, 'options');
    if (parsed.kind !== 'options') return;
    assert.equal(parsed.options.tlsCertFile, 'a');
    assert.equal(parsed.options.securePort, 8443);
    assert.equal(parsed.options.bindAddress, '0.0.0.0');
    assert.equal(parsed.options.clientQpsLimit, 20);
    assert.equal(parsed.options.clientQpsBurst, 50);
    assert.equal(parsed.options.workers, 1);
    const auto = parseServeArgs(['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--workers', 'auto']);
    assert.equal(auto.kind === 'options' ? auto.options.workers : auto.kind, 'auto');
    const errors: readonly [readonly string[], string][] = [
      [[], '--tls-cert-file is required; --tls-private-key-file is required'],
      [
        ['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--secure-port', '70000'],
        '--secure-port must be between 0 and 65535, got 70000',
      ],
      [['--tls-cert-file', 'a', '--tls-private-key-file', 'b', 'extra'], 'unexpected argument "extra"'],
      [
        ['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--kubeconfig', 'k', '--namespaces-from', 'n'],
        '--kubeconfig and --namespaces-from are mutually exclusive',
      ],
      [
        ['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--tls-min-version', 'VersionTLS11'],
        '--tls-min-version must be VersionTLS12 or VersionTLS13, got "VersionTLS11"',
      ],
      [
        ['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--workers', 'many'],
        '--workers must be an integer or auto, got "many"',
      ],
      [
        ['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--workers', '0'],
        '--workers must be between 1 and 64, got 0',
      ],
      [
        ['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--request-timeout', 'soon'],
        '--request-timeout must be a positive duration such as 10s or 1m30s, got "soon"',
      ],
    ];
    for (const [argv, message] of errors) {
      const result = parseServeArgs(argv);
      assert.deepEqual(result, { kind: 'error', message }, argv.join(' '));
    }
  });
});

describe('startup errors exit 2 with a clear message', () => {
  const cases: readonly [string, () => readonly string[], RegExp][] = [
    [
      'usage',
      () => ['--secure-port', 'x'],
      /^psa serve: --tls-cert-file is required; --tls-private-key-file is required; --secure-port must be an integer, got "x"\nRun 'psa serve --help' for usage\.\n$/,
    ],
    [
      'missing certificate',
      () => ['--tls-cert-file', 'nope.crt', '--tls-private-key-file', pki.server.key, '--namespaces-from', 'ns.yaml'],
      /^psa serve: ENOENT: no such file or directory, open '.*nope\.crt'\n$/,
    ],
    [
      'mismatched key',
      () => [
        '--tls-cert-file',
        pki.server.cert,
        '--tls-private-key-file',
        pki.server2.key,
        '--namespaces-from',
        'ns.yaml',
      ],
      /^psa serve: invalid TLS certificate, key or client CA: .+\n$/,
    ],
    [
      'invalid configuration',
      () => {
        writeFileSync(
          join(dir, 'bad.yaml'),
          'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n',
        );
        return [
          '--tls-cert-file',
          pki.server.cert,
          '--tls-private-key-file',
          pki.server.key,
          '--namespaces-from',
          'ns.yaml',
          '--config',
          'bad.yaml',
        ];
      },
      /^psa serve: .*enforce.*strict.*\n$/,
    ],
    [
      'missing namespaces file',
      () => [
        '--tls-cert-file',
        pki.server.cert,
        '--tls-private-key-file',
        pki.server.key,
        '--namespaces-from',
        'missing.yaml',
      ],
      /^psa serve: cannot load namespaces from .*missing\.yaml: ENOENT/,
    ],
  ];
  for (const [name, argv, pattern] of cases) {
    it(name, async () => {
      const { io, err } = fakeIo();
      assert.equal(await runServeCommand(argv(), io), 2);
      assert.match(err(), pattern);
    });
  }

  it('--help prints usage and exits 0', async () => {
    const { io, out } = fakeIo();
    assert.equal(await runServeCommand(['--help'], io), 0);
    assert.match(out(), /^Usage: psa serve --tls-cert-file FILE --tls-private-key-file FILE/);
  });
});

describe('the psa binary', () => {
  it('serves, then drains on SIGTERM and exits 0', async () => {
    const child = spawn(
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
        '--secure-port',
        '0',
        '--bind-address',
        '127.0.0.1',
        '--namespaces-from',
        join(dir, 'ns.yaml'),
        '--shutdown-delay',
        '300ms',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const match = /"port":(\d+)/.exec(stdout);
        if (match !== null) resolve(Number(match[1]));
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const review = JSON.stringify({
      kind: 'AdmissionReview',
      apiVersion: 'admission.k8s.io/v1',
      request: {
        uid: 'sig',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        resource: { group: '', version: 'v1', resource: 'pods' },
        namespace: 'team',
        operation: 'CREATE',
        userInfo: { username: 'bob' },
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'x' },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      },
    });
    const res = await send(port, { ca: pki.caCert, body: review });
    assert.equal(res.status, 200);
    assert.match(res.body, /"allowed":false/);
    child.kill('SIGTERM');
    // During the shutdown delay the replica still answers, but reports itself not ready.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ready = await send(port, { ca: pki.caCert, method: 'GET', path: '/readyz' });
    assert.equal(ready.status, 500);
    assert.equal(await exited, 0);
    assert.equal(stderr, '');
    const messages = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.deepEqual(messages.slice(-3), [
      'not ready; serving until endpoints drop this replica',
      'shutting down',
      'shut down',
    ]);
    assert.ok(messages.includes('admission decision'));
  });
});
