// The raw list reader behind pod listing: items as plain JSON, the authentication's headers on the wire, and clear
// errors for non-200 answers, non-JSON bodies and bodies without a list; the deadline and the signal both stop it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { RequestContext, SecurityAuthentication } from '@kubernetes/client-node';
import { createRawLister, KubeListError } from '../../src/kube/raw-lister.ts';

let server: Server;
let base: string;
const seen: { path: string; authorization: string | undefined; accept: string | undefined }[] = [];

const answers: Record<string, { status: number; body: string }> = {
  '/api/v1/namespaces/team/pods': {
    status: 200,
    body: JSON.stringify({
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '7' },
      items: [{ metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { containers: [] } }],
    }),
  },
  '/api/v1/namespaces/empty/pods': { status: 200, body: '{"kind":"PodList","items":null}' },
  '/api/v1/namespaces/broken/pods': { status: 200, body: '{"kind":"PodList","items":[' },
  '/api/v1/namespaces/odd/pods': { status: 200, body: '{"kind":"Status"}' },
  '/api/v1/namespaces/forbidden/pods': {
    status: 403,
    body: '{"kind":"Status","message":"pods is forbidden: User \\"x\\" cannot list resource \\"pods\\""}',
  },
};

const auth: SecurityAuthentication = {
  getName: () => 'test',
  applySecurityAuthentication(context: RequestContext): Promise<void> {
    context.setHeaderParam('Authorization', 'Bearer t0ken');
    return Promise.resolve();
  },
};

before(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
    if (req.url === '/api/v1/namespaces/slow/pods') {
      // Answers only after the listing's deadline; the timer is cleared if the client goes away first.
      const timer = setTimeout(() => res.end('{"items":[]}'), 3000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const answer = answers[req.url ?? ''] ?? { status: 404, body: '{}' };
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('raw list reader', () => {
  it('returns the items untouched, with the authentication headers sent', async () => {
    const items = await createRawLister(base, auth).listItems('/api/v1/namespaces/team/pods', undefined);
    assert.deepEqual(items, [
      { metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { containers: [] } },
    ]);
    const request = seen.find((entry) => entry.path === '/api/v1/namespaces/team/pods');
    assert.equal(request?.authorization, 'Bearer t0ken');
    assert.equal(request?.accept, 'application/json');
  });

  it('reads items: null as an empty list', async () => {
    assert.deepEqual(await createRawLister(base, auth).listItems('/api/v1/namespaces/empty/pods', undefined), []);
  });

  const failures: readonly (readonly [string, RegExp, number | undefined])[] = [
    ['forbidden', /^GET \/api\/v1\/namespaces\/forbidden\/pods: HTTP 403: .*pods is forbidden/, 403],
    ['broken', /^GET \/api\/v1\/namespaces\/broken\/pods: response is not JSON: /, 200],
    ['odd', /^GET \/api\/v1\/namespaces\/odd\/pods: response has no items list$/, 200],
  ];
  for (const [namespace, message, status] of failures) {
    it(`fails with a clear error: ${namespace}`, async () => {
      await assert.rejects(
        createRawLister(base, auth).listItems(`/api/v1/namespaces/${namespace}/pods`, undefined),
        (error: unknown) => {
          assert.ok(error instanceof KubeListError);
          assert.match(error.message, message);
          assert.equal(error.statusCode, status);
          return true;
        },
      );
    });
  }

  it('gives up at the deadline (the existing-pod budget) even without a signal', async () => {
    const started = Date.now();
    await assert.rejects(
      createRawLister(base, auth).listItems('/api/v1/namespaces/slow/pods', undefined, Date.now() + 150),
      /abort|deadline/i,
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2000, `gave up after ${String(elapsed)} ms`);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('request deadline exceeded'));
    await assert.rejects(
      createRawLister(base, auth).listItems('/api/v1/namespaces/team/pods', controller.signal),
      /abort|deadline/i,
    );
  });
});
