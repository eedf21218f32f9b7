// Upstream's webhook binary and psa's webhook serving the same cluster (the Kubernetes API stand-in, loaded with
// testdata/server/namespaces.yaml) with the same configuration, for side-by-side comparisons: the differential test
// (upstream-differential.test.ts) and the long fuzz run (upstream-fuzz-run.ts).
import { isUtf8 } from 'node:buffer';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseNamespacesFile } from '../../src/server/file-source.ts';
import { createTestPki, type TestPki } from './certs.ts';
import { send } from './client.ts';
import { startKubeApiStandIn, type KubeApiStandIn } from './kube-api-stand-in.ts';
import { freePort } from './helpers.ts';
import { eventually, startTestWebhook, type TestWebhook } from './webhook-fixture.ts';

export const UPSTREAM_WEBHOOK = resolve(
  process.env['PSA_UPSTREAM_WEBHOOK'] ?? 'bench/upstream-webhook/bin/pod-security-webhook',
);
const DATA = 'testdata/server';

export interface UpstreamPair {
  readonly pki: TestPki;
  readonly upstreamPort: number;
  readonly psa: TestWebhook;
  stop(): Promise<void>;
}

/** Starts both servers (the binary must exist: see {@link UPSTREAM_WEBHOOK}) and waits until both are ready. */
export async function startUpstreamPair(): Promise<UpstreamPair> {
  if (!existsSync(UPSTREAM_WEBHOOK)) throw new Error(`${UPSTREAM_WEBHOOK} not built`);
  const pki = createTestPki();
  const api: KubeApiStandIn = await startKubeApiStandIn({
    cert: readFileSync(pki.server.cert),
    key: readFileSync(pki.server.key),
  });
  for (const [name, namespace] of parseNamespacesFile(
    readFileSync(join(DATA, 'namespaces.yaml'), 'utf8'),
    'namespaces.yaml',
  )) {
    api.upsertNamespace(name, namespace.metadata.labels ?? {});
  }
  const kubeconfig = api.writeKubeconfig(join(pki.dir, 'kubeconfig'), pki.caFile);
  const config = join(pki.dir, 'config.yaml');
  writeFileSync(config, readFileSync(join(DATA, 'config.yaml')));
  const upstreamPort = await freePort();
  const child: ChildProcess = spawn(
    UPSTREAM_WEBHOOK,
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
      String(upstreamPort),
      '--bind-address',
      '127.0.0.1',
    ],
    { stdio: ['ignore', 'ignore', process.env['PSA_DEBUG'] ? 'inherit' : 'ignore'], cwd: pki.dir },
  );
  await untilReady(upstreamPort, pki.caCert);
  const psa = await startTestWebhook({
    pki,
    config: readFileSync(join(DATA, 'config.yaml'), 'utf8'),
    kubeconfig: api.writeKubeconfig(join(pki.dir, 'kubeconfig-psa'), pki.caFile),
  });
  await untilReady(psa.port, pki.caCert);
  return {
    pki,
    upstreamPort,
    psa,
    async stop() {
      child.kill('SIGTERM');
      await psa.stop();
      await api.close();
      pki.cleanup();
    },
  };
}

/** Resolves once the server at `port` answers `/readyz` with 200 (30 s at most). */
export async function untilReady(port: number, ca: Buffer): Promise<void> {
  await eventually(async () => {
    try {
      return (await send(port, { ca, method: 'GET', path: '/readyz' })).status === 200;
    } catch {
      return false;
    }
  }, 30_000);
}

/** One side's answer to a fuzzed body: the HTTP status (`''` when the connection closed without one) and body. */
export interface Answer {
  readonly status: string;
  readonly body: string;
}

/**
 * The deliberate differences (docs/webhook.md) as they show up in fuzzed bodies: a review without a request (psa's
 * 500, upstream's dropped connection), a body that is not UTF-8, and what only upstream's YAML reading accepts or
 * reports: a body, or an object, that does not start with `{`.
 */
export function knownFuzzDifference(body: Buffer, ours: Answer, theirs: Answer): boolean {
  if (ours.status === '500' && ours.body === 'internal server error\n' && theirs.status === '') return true;
  // Bytes that are not UTF-8: psa reads the body as text (U+FFFD for them), upstream keeps them and writes \ufffd.
  if (!isUtf8(body) && ours.status === theirs.status && ours.body === theirs.body.replaceAll('\\ufffd', '\ufffd'))
    return true;
  // Not JSON: psa refuses it (400); upstream reads it as YAML, and answers it, or panics on the missing request
  // (found by the long fuzz run: `#`, `~`, a newline) and drops the connection.
  if (
    !body.toString('utf8').trimStart().startsWith('{') &&
    ours.status === '400' &&
    (theirs.status === '200' || theirs.status === '')
  )
    return true;
  return ours.status === '200' && theirs.status === '200' && /decode +(old )?object: yaml: /.test(theirs.body);
}

const RESPONSE_UID = /"response":\{"uid":"((?:[^"\\]|\\.)*)"/;
const REQUEST_UID = /"request":\{"uid":"((?:[^"\\]|\\.)*)"/;

/**
 * Upstream's webhook binary (v0.37.2, cmd/webhook/server) writes the request's uid into the response value that
 * `Validate` returns, and for exempt and not-applicable requests that value is one response object shared by every
 * request (`sharedAllowedResponse` in its admission package): concurrent requests overwrite each other's uid before
 * encoding, so an allowed answer can carry another request's uid (an API server would reject it as not matching). The
 * long fuzz run met 5 in 10^6 bodies at 8 connections; `upstream-uid-race.ts` reproduces it on demand. True when the
 * answers differ only in the response uid and psa's is the request's own.
 */
export function upstreamSharedResponseUid(body: Buffer, ours: Answer, theirs: Answer): boolean {
  if (ours.status !== '200' || theirs.status !== '200') return false;
  const ourUid = RESPONSE_UID.exec(ours.body)?.[1];
  const theirUid = RESPONSE_UID.exec(theirs.body)?.[1];
  const requestUid = REQUEST_UID.exec(body.toString('utf8'))?.[1];
  if (ourUid === undefined || theirUid === undefined || ourUid === theirUid || ourUid !== requestUid) return false;
  return theirs.body.replace(RESPONSE_UID, `"response":{"uid":"${ourUid}"`) === ours.body;
}

/** The warning both webhooks add when listing a namespace's pods fails (here: the API stand-in, late under load). */
const POD_LIST_FAILED = ',"warnings":["failed to list pods while checking new PodSecurity enforce level"]';

/**
 * An answer pair that differs only because one side's pod list (for a namespace's new enforce level) failed and the
 * other's did not: the environment (a loaded machine, a timed-out list), not behaviour. Also true of the recorded
 * 600-character windows around the first difference that the long fuzz run keeps.
 */
export function podListFailedOnOneSide(ours: string, theirs: string): boolean {
  return (
    ours !== theirs &&
    (ours.includes(POD_LIST_FAILED) || theirs.includes(POD_LIST_FAILED)) &&
    ours.replace(POD_LIST_FAILED, '') === theirs.replace(POD_LIST_FAILED, '')
  );
}
