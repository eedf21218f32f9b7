// Test certificates generated per run with the openssl CLI (present on CI images and here): a CA, two serving
// certificates for 127.0.0.1 (to test rotation) and a client certificate for mutual TLS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly dir: string;
  readonly caCert: Buffer;
  /** Paths of two serving certificate/key pairs signed by the CA. */
  readonly server: { readonly cert: string; readonly key: string; readonly serial: string };
  readonly server2: { readonly cert: string; readonly key: string; readonly serial: string };
  readonly client: { readonly cert: Buffer; readonly key: Buffer };
  readonly caFile: string;
  cleanup(): void;
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function leaf(dir: string, name: string, extensions: string): string {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  ]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
  ]);
  return execFileSync('openssl', ['x509', '-in', `${name}.crt`, '-noout', '-serial'], { cwd: dir, encoding: 'utf8' })
    .trim()
    .replace(/^serial=/, '');
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'psa-pki-'));
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=psa-test-ca',
    '-days',
    '2',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const serverExt = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
  const serial1 = leaf(dir, 'server1', serverExt);
  const serial2 = leaf(dir, 'server2', serverExt);
  leaf(dir, 'client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCert: readFileSync(join(dir, 'ca.crt')),
    caFile: join(dir, 'ca.crt'),
    server: { cert: join(dir, 'server1.crt'), key: join(dir, 'server1.key'), serial: serial1 },
    server2: { cert: join(dir, 'server2.crt'), key: join(dir, 'server2.key'), serial: serial2 },
    client: { cert: readFileSync(join(dir, 'client.crt')), key: readFileSync(join(dir, 'client.key')) },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
