// Reproduces upstream's shared-response race (see upstreamSharedResponseUid in upstream-pair.ts), the last 5
// differences of the 10^6-body fuzz run: reviews that both webhooks allow without evaluating anything (a Deployment's
// scale subresource, a pod in an exempt namespace) sent concurrently, each with its own uid, to upstream's binary and
// to psa; an answer whose response uid is not its request's is counted. An API server refuses such an answer
// ("expected response.uid=..."), so with `failurePolicy: Fail` the request fails.
//
//   node --import tsx test/server/upstream-uid-race.ts [--requests 20000] [--concurrency 16]
//
// Exit 1 when psa ever answers with another request's uid; upstream's count is reported, not judged.
import { Agent } from 'node:https';
import { parseArgs } from 'node:util';
import { send } from './client.ts';
import { startUpstreamPair } from './upstream-pair.ts';

const scaleReview = (uid: string): string =>
  JSON.stringify({
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid,
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      subResource: 'scale',
      requestKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      requestResource: { group: 'apps', version: 'v1', resource: 'deployments' },
      requestSubResource: 'scale',
      name: 'web',
      namespace: 'restricted',
      operation: 'UPDATE',
      userInfo: { username: 'alice' },
      object: { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 } },
    },
  });

interface Tally {
  requests: number;
  mismatched: number;
  failed: number;
  example: string;
  firstError: string;
}

async function hammer(port: number, ca: Buffer, requests: number, concurrency: number, tag: string): Promise<Tally> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
  const tally: Tally = { requests: 0, mismatched: 0, failed: 0, example: '', firstError: '' };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests) {
      const uid = `${tag}-${String(next++)}`;
      try {
        const res = await send(port, { ca, agent, body: scaleReview(uid) });
        if (res.status !== 200) throw new Error(`status ${String(res.status)}: ${res.body.trim()}`);
        tally.requests++;
        const answered = (JSON.parse(res.body) as { response?: { uid?: string } }).response?.uid;
        if (answered !== uid) {
          tally.mismatched++;
          if (tally.example === '') tally.example = `request ${uid} answered with uid ${String(answered)}`;
        }
      } catch (error) {
        tally.failed++;
        if (tally.firstError === '') tally.firstError = `${uid}: ${String(error)}`;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return tally;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '16' } },
    strict: true,
  });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const pair = await startUpstreamPair();
  try {
    const ca = pair.pki.caCert;
    const report = (name: string, t: Tally): void => {
      process.stdout.write(
        `${name}: ${String(t.requests)} answered, ${String(t.mismatched)} with another request's uid, ` +
          `${String(t.failed)} failed${t.example === '' ? '' : ` (first: ${t.example})`}` +
          `${t.firstError === '' ? '' : ` (first failure: ${t.firstError})`}\n`,
      );
    };
    const upstream = await hammer(pair.upstreamPort, ca, requests, concurrency, 'u');
    report('upstream', upstream);
    const psa = await hammer(pair.psa.port, ca, requests, concurrency, 'p');
    report('psa', psa);
    return psa.mismatched === 0 && psa.failed === 0 ? 0 : 1;
  } finally {
    await pair.stop();
  }
}

process.exitCode = await main();
