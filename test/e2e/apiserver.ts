// A real kube-apiserver for the end-to-end tests and the audit-log fixture recorder (built from k8s.io/kubernetes in
// test/e2e/kube-apiserver, with an embedded etcd, writing a JSON audit log; the tests skip when it is absent): start
// one, and call its API as kubectl would.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import type { TestPki } from '../server/certs.ts';
import { freePort } from '../server/helpers.ts';

export const BINARY = resolve(process.env['PSA_KUBE_APISERVER'] ?? 'test/e2e/kube-apiserver/bin/kube-apiserver-e2e');
export const available = existsSync(BINARY);
export const ADMIN = 'admin-token';

export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly warnings: readonly string[];
}

/** Go's `Warning: 299 - "<quoted>"` header value back to the message. */
export function warningText(header: string): string {
  const match = /^\d{3} \S+ (".*")$/.exec(header);
  if (match === null) return header;
  return JSON.parse(match[1]!) as string;
}

export interface ApiServer {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** A JSON request; PATCH bodies are strategic merge patches, as kubectl sends them. */
  call(method: string, path: string, body?: unknown, token?: string): Promise<ApiAnswer>;
}

export async function startApiServer(
  name: string,
  pki: TestPki,
  dir: string,
  extraFlags: readonly string[],
): Promise<ApiServer> {
  const [port, etcdClient, etcdPeer] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    BINARY,
    [
      join(dir, `etcd-${name}`),
      String(etcdClient),
      String(etcdPeer),
      `--etcd-servers=http://127.0.0.1:${String(etcdClient)}`,
      `--secure-port=${String(port)}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none',
      `--tls-cert-file=${pki.server.cert}`,
      `--tls-private-key-file=${pki.server.key}`,
      `--cert-dir=${join(dir, `certs-${name}`)}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      // Privileged containers are refused by API validation otherwise, before any admission plugin sees them.
      '--allow-privileged=true',
      // Every request's audit annotations, to compare the plugin's with the ones psa returns.
      `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`,
      `--audit-log-path=${join(dir, `audit-${name}.log`)}`,
      '--audit-log-format=json',
      '--audit-log-mode=blocking',
      // No controller manager runs, so no namespace gets its `default` service account: the ServiceAccount plugin is
      // left out of both servers (the flag list must be complete, hence each server's own --disable-admission-plugins).
      ...extraFlags,
    ],
    { stdio: ['ignore', 'ignore', process.env['PSA_DEBUG'] ? 'inherit' : 'ignore'] },
  );
  const call = (method: string, path: string, body?: unknown, token = ADMIN): Promise<ApiAnswer> =>
    new Promise((done, fail) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          ca: pki.caCert,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(payload === undefined
              ? {}
              : {
                  'Content-Type': method === 'PATCH' ? 'application/strategic-merge-patch+json' : 'application/json',
                  'Content-Length': String(Buffer.byteLength(payload)),
                }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const warnings: string[] = [];
            for (let i = 0; i < res.rawHeaders.length; i += 2)
              if (res.rawHeaders[i]!.toLowerCase() === 'warning') warnings.push(warningText(res.rawHeaders[i + 1]!));
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown>;
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              parsed = { text };
            }
            done({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      req.end(payload);
    });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kube-apiserver (${name}) exited with ${String(child.exitCode)}`);
    const ready = await call('GET', '/readyz').then(
      (answer) => answer.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`kube-apiserver (${name}) not ready within 90 s`);
    await new Promise((wait) => setTimeout(wait, 250));
  }
  return { name, port, child, call };
}
